import { describe, expect, it } from "vitest";
import { type Caller, callerKey } from "../src/template/caller.js";
import { serving } from "./fixtures/harness.js";
import { CLIENT_KINDS } from "./helpers/clients.js";
import { logged } from "./helpers/console.js";
import { PING, post } from "./helpers/http.js";
import { freshWindow, ownAddress, WINDOW_TEST_TIMEOUT } from "./helpers/limits.js";

// Per-caller limits on /mcp (src/template/http/caller-limits.ts), on the Workers Rate Limiting
// bindings of wrangler.toml as Miniflare simulates them: MCP_RATE_LIMIT (120 a minute, every
// message) and TOOL_RATE_LIMIT (10 a minute, per tool that names it: the `limited` fixture).
// Without auth a caller is its address; OAuth and API-key callers are in test/api-keys.test.ts.
serving();

const CALLER_LIMIT = 120;
const TOOL_LIMIT = 10;

const from = (address: string) => ({ headers: { "CF-Connecting-IP": address } });
const call = (name: string, id = 1) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: name === "echo" ? { text: "hi" } : {} },
});

/** Sends `body` from `address` until one is refused; how many were answered before, and the refusal. */
async function untilRefused(address: string, body: unknown = PING, max = 300) {
  for (let answered = 0; answered < max; answered++) {
    const response = await post(body, from(address));
    if (response.status === 429) return { answered, response };
    expect(response.status).toBe(200);
    await response.body?.cancel();
  }
  throw new Error(`no refusal after ${max} requests`);
}

describe("every message counts against the caller's limit", () => {
  it(
    "answers the request over the limit with 429, Retry-After and a JSON-RPC error; another caller is unaffected",
    async () => {
      await freshWindow();
      const me = ownAddress();
      const { answered, response } = await untilRefused(me);
      expect(answered).toBe(CALLER_LIMIT);
      expect(response.headers.get("Retry-After")).toBe("60");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(await response.json()).toEqual({
        jsonrpc: "2.0",
        id: PING.id,
        error: {
          code: -32000,
          message: "Too many requests: you are over this server's limit. Try again in 60 s.",
          data: { retryAfter: 60, limit: "caller" },
        },
      });
      // Still refused, whatever it asks; someone else is answered.
      expect((await post(call("echo"), from(me))).status).toBe(429);
      expect((await post(PING, from(ownAddress()))).status).toBe(200);
    },
    WINDOW_TEST_TIMEOUT,
  );

  it(
    "counts each message of a JSON-RPC batch",
    async () => {
      await freshWindow();
      const me = ownAddress();
      const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ ...PING, id: i + 1 }));
      // Batches hold at most 20 messages (src/template/http/middleware/json-rpc-body.ts).
      for (let i = 0; i < CALLER_LIMIT / 20; i++) expect((await post(batch(20), from(me))).status).toBe(200);
      // 120 counted: the next message, alone or in a batch, is over.
      expect((await post(batch(2), from(me))).status).toBe(429);
      expect((await post(PING, from(me))).status).toBe(429);
    },
    WINDOW_TEST_TIMEOUT,
  );

  it(
    "counts an IPv6 client by its /64",
    async () => {
      await freshWindow();
      const prefix = ownAddress().replace(/::1$/, "");
      await untilRefused(`${prefix}::1`);
      expect((await post(PING, from(`${prefix}:0:0:0:2`))).status).toBe(429);
      expect((await post(PING, from(`${prefix}::abcd`))).status).toBe(429);
    },
    WINDOW_TEST_TIMEOUT,
  );

  it.each([
    ["RATE_LIMITS=off", { RATE_LIMITS: "off" }],
    ["MCP_RATE_LIMIT not bound (its wrangler.toml block deleted)", { MCP_RATE_LIMIT: undefined }],
  ])("is off with %s", async (_, vars) => {
    const me = ownAddress();
    for (let i = 0; i < CALLER_LIMIT + 5; i++) {
      const response = await post(call("limited", i), { ...from(me), vars: vars as Partial<Env> });
      expect(response.status).toBe(i >= 10 && !("RATE_LIMITS" in vars) ? 429 : 200);
      await response.body?.cancel();
    }
  });

  it("refuses (503) when the limiter cannot count, rather than letting uncounted calls through", async () => {
    const broken = { limit: () => Promise.reject(new Error("limiter down")) } as unknown as RateLimit;
    const response = await post(PING, { ...from(ownAddress()), vars: { MCP_RATE_LIMIT: broken } });
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("60");
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32603);
    expect(logged("error").join("\n")).toContain("limiter down");
  });
});

describe.each(CLIENT_KINDS)("both eras' SDK clients surface the refusal, $label", (kind) => {
  it(
    "rejects the call with the server's message",
    async () => {
      await freshWindow();
      const me = ownAddress();
      const client = await kind.connect({ headers: { "CF-Connecting-IP": me } });
      try {
        await untilRefused(me);
        const refused = client.callTool({ name: "echo", arguments: { text: "hi" } });
        await expect(refused).rejects.toThrow(/Too many requests: you are over this server's limit/);
      } finally {
        await client.close();
      }
    },
    WINDOW_TEST_TIMEOUT,
  );
});

describe("a tool's own limit", () => {
  it(
    "refuses the call over the tool's limit, and only calls of that tool by that caller",
    async () => {
      await freshWindow();
      const me = ownAddress();
      const { answered, response } = await untilRefused(me, call("limited"));
      expect(answered).toBe(TOOL_LIMIT);
      expect(response.headers.get("Retry-After")).toBe("60");
      expect(((await response.json()) as { error: unknown }).error).toEqual({
        code: -32000,
        message: "Too many calls to limited: you are over its limit. Try again in 60 s.",
        data: { retryAfter: 60, limit: "tool" },
      });
      expect((await post(call("echo"), from(me))).status).toBe(200);
      expect((await post(call("limited"), from(ownAddress()))).status).toBe(200);
      // A batch with a call over the limit is refused whole: nothing in it runs.
      expect((await post([PING, call("limited", 2)], from(me))).status).toBe(429);
    },
    WINDOW_TEST_TIMEOUT,
  );

  it("refuses the tool (503) when the binding it names is not bound, and says which in the log", async () => {
    const response = await post(call("limited"), { ...from(ownAddress()), vars: { TOOL_RATE_LIMIT: undefined } });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "its rate limit is not configured",
    );
    expect(logged("error").join("\n")).toContain("limited has rateLimit TOOL_RATE_LIMIT, which is not bound");
    // Other tools are not affected.
    const echo = await post(call("echo"), { ...from(ownAddress()), vars: { TOOL_RATE_LIMIT: undefined } });
    expect(echo.status).toBe(200);
  });
});

describe("who a caller is (src/template/caller.ts)", () => {
  const user = { id: "12345", provider: "github" } as const;
  const cimd = `https://client.example/${"x".repeat(400)}`;

  it("with OAuth, a user through one client: the same user in another client is another caller", async () => {
    const a = await callerKey({ auth: "oauth", user, clientId: "client-a" });
    expect(await callerKey({ auth: "oauth", user, clientId: "client-a" })).toBe(a);
    expect(await callerKey({ auth: "oauth", user, clientId: "client-b" })).not.toBe(a);
    expect(await callerKey({ auth: "oauth", user: { ...user, id: "6789" }, clientId: "client-a" })).not.toBe(a);
  });

  it("with an API key, the user the key names, whichever key", async () => {
    const key: Caller = { auth: "key", user: { id: "alice", provider: "key" }, keyId: "AAAAAAAAAAAA" };
    expect(await callerKey(key)).toBe(await callerKey({ ...key, keyId: "BBBBBBBBBBBB" }));
    expect(await callerKey(key)).not.toBe(await callerKey({ ...key, user: { id: "bob", provider: "key" } }));
  });

  it("is a short key with nothing the client chose in clear", async () => {
    const key = await callerKey({ auth: "oauth", user, clientId: cimd });
    expect(key.length).toBeLessThan(32);
    expect(key).not.toContain("client.example");
    expect(key).not.toContain(user.id);
  });
});
