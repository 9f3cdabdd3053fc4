import { afterEach, describe, expect, it, vi } from "vitest";
import { serving } from "./fixtures/harness.js";
import { createKey } from "./helpers/api-keys.js";
import { CLIENT_KINDS } from "./helpers/clients.js";
import { logged, loggedObjects } from "./helpers/console.js";
import { INITIALIZED, PING, post, TOOLS_LIST } from "./helpers/http.js";
import { freshWindow, ownAddress, WINDOW_TEST_TIMEOUT } from "./helpers/limits.js";
import { answerOf, modernPost } from "./helpers/modern.js";
import { PASSPHRASE, rpc, signIn, withPassphrase } from "./helpers/oauth.js";
import { fetchWorker } from "./helpers/worker.js";

// One structured log line per request to /mcp (src/template/observe/request-log.ts): its shape
// for each way a request ends, in both eras, and what never appears in it. The Worker's
// console.log is captured per test (test/helpers/console.ts).
serving();

afterEach(() => vi.restoreAllMocks());

type Line = Record<string, unknown>;
/** The `{ mcp: … }` lines logged so far in this test. */
const lines = (): Line[] => loggedObjects().flatMap((o) => ("mcp" in o ? [o.mcp as Line] : []));
const last = (): Line => lines().at(-1)!;
/** Everything logged in this test (every level), as text: what must never contain a secret. */
const everything = () => logged().join("\n");

const ms = expect.any(Number);
const call = (name: string, args: Record<string, unknown> = {}, id = 1) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: args },
});

describe.each(CLIENT_KINDS)("the line of each call, $label", (kind) => {
  it("says the era, method, tool, outcome, status and duration, and nothing of the arguments or result", async () => {
    const client = await kind.connect();
    try {
      // (A 1.x client lists the tools first, for their output schemas: a line of its own.)
      await client.callTool({ name: "echo", arguments: { text: "private-words" } });
      expect(last()).toEqual({
        era: kind.era,
        method: "tools/call",
        name: "echo",
        outcome: "result",
        status: 200,
        ms,
        auth: "none",
      });

      await client.callTool({ name: "echo", arguments: { text: "fail" } });
      expect(last()).toMatchObject({ method: "tools/call", name: "echo", outcome: "tool_error", status: 200 });

      await expect(client.callTool({ name: "no-such-tool-private", arguments: {} })).rejects.toThrow();
      expect(last()).toMatchObject({ method: "tools/call", name: "(unknown)", outcome: "error", code: -32602 });

      await client.readResource({ uri: "fixture://items/apple" });
      expect(last()).toMatchObject({ method: "resources/read", name: "item", outcome: "result" });
      await client.getPrompt({ name: "summarize", arguments: { text: "x" } });
      expect(last()).toMatchObject({ method: "prompts/get", name: "summarize", outcome: "result" });
      await client.listTools();
      expect(last()).toMatchObject({ era: kind.era, method: "tools/list", outcome: "result" });
      expect(JSON.stringify(lines())).not.toMatch(/private-words|no-such-tool-private|apple|"x"/);
    } finally {
      await client.close();
    }
  });
});

describe("the line of each request, however it ends", () => {
  it("one line per request, a replayed list included", async () => {
    const before = lines().length;
    await post(TOOLS_LIST);
    await post(TOOLS_LIST);
    expect(lines().slice(before)).toEqual([
      { era: "legacy", method: "tools/list", outcome: "result", status: 200, ms, auth: "none" },
      { era: "legacy", method: "tools/list", outcome: "result", status: 200, ms, auth: "none" },
    ]);
  });

  it("a notification is accepted; a method the server does not know is (other)", async () => {
    expect((await post(INITIALIZED)).status).toBe(202);
    expect(last()).toMatchObject({ method: "notifications/initialized", outcome: "accepted", status: 202 });
    await post({ jsonrpc: "2.0", id: 1, method: "private/method-name" });
    expect(last()).toMatchObject({ method: "(other)", outcome: "error", code: -32601 });
    expect(JSON.stringify(last())).not.toContain("private/method-name");
  });

  it.each([
    ["a wrong media type", () => post(PING, { headers: { "Content-Type": "text/plain" } }), 415, -32000],
    ["a body that is not JSON", () => post("{nope"), 400, -32700],
    [
      "a batch after 2025-06-18",
      () => post([PING], { headers: { "MCP-Protocol-Version": "2025-11-25" } }),
      400,
      -32600,
    ],
    ["GET", () => fetchWorker("/mcp", { headers: { Accept: "text/event-stream" } }, { MCP_AUTH: "none" }), 405, -32000],
  ])("refused before any message ran (%s): status and JSON-RPC code", async (_, send, status, code) => {
    expect((await send()).status).toBe(status);
    expect(last()).toEqual({ outcome: "refused", code, status, ms, auth: "none" });
  });

  it("a 2026-07-28 request the SDK refuses before it runs carries the SDK's code", async () => {
    const refused = await modernPost("tools/call", call("echo").params, { headers: { "Mcp-Name": "other" } });
    expect(refused.status).toBe(400);
    expect(last()).toEqual({
      era: "modern",
      method: "tools/call",
      name: "echo",
      outcome: "refused",
      code: -32020,
      status: 400,
      ms,
      auth: "none",
    });
  });

  it("a batch is one line listing each message, its outcome the worst of theirs", async () => {
    await post([PING, INITIALIZED, TOOLS_LIST, call("echo", { text: "fail" }, 3)]);
    expect(last()).toEqual({
      era: "legacy",
      method: "batch",
      outcome: "tool_error",
      batch: 4,
      messages: [
        { method: "ping", outcome: "result" },
        { method: "notifications/initialized", outcome: "accepted" },
        { method: "tools/list", outcome: "result" },
        { method: "tools/call", name: "echo", outcome: "tool_error" },
      ],
      status: 200,
      ms,
      auth: "none",
    });
    await post([PING, { jsonrpc: "2.0", id: 9, method: "nope" }]);
    expect(last()).toMatchObject({ method: "batch", outcome: "error", code: -32601 });
  });

  it.each(["2025-11-25", "2026-07-28"])(
    "an answer still streaming (%s) is logged when its stream ends, or cancelled when the client goes away",
    async (version) => {
      let upstream!: (response: Response) => void;
      vi.spyOn(globalThis, "fetch").mockImplementation(() => new Promise((resolve) => (upstream = resolve)));
      const stream = { headers: { Accept: "text/event-stream" } };
      const send = () =>
        version === "2025-11-25" ? post(call("relay"), stream) : modernPost("tools/call", call("relay").params, stream);

      const before = lines().length;
      const response = await send();
      expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
      expect(lines().length).toBe(before);
      upstream(new Response("fine"));
      await response.text();
      expect(lines().length).toBe(before + 1);
      expect(last()).toMatchObject({ method: "tools/call", name: "relay", outcome: "result", status: 200 });

      const gone = await send();
      await gone.body!.cancel();
      expect(lines().length).toBe(before + 2);
      expect(last()).toMatchObject({ method: "tools/call", name: "relay", outcome: "cancelled", status: 200 });
    },
  );

  it(
    "a request over the limit says which limit",
    async () => {
      await freshWindow();
      const me = { headers: { "CF-Connecting-IP": ownAddress() } };
      for (let i = 0; i < 10; i++) await post(call("limited"), me);
      expect((await post(call("limited"), me)).status).toBe(429);
      expect(last()).toEqual({
        era: "legacy",
        method: "tools/call",
        name: "limited",
        outcome: "refused",
        code: -32000,
        status: 429,
        ms,
        auth: "none",
        limit: "tool",
      });
    },
    WINDOW_TEST_TIMEOUT,
  );

  it("a CORS preflight is not an MCP request: no line", async () => {
    const before = lines().length;
    const preflight = await fetchWorker(
      "/mcp",
      { method: "OPTIONS", headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "POST" } },
      { MCP_AUTH: "none" },
    );
    expect(preflight.status).toBeLessThan(300);
    expect(lines().length).toBe(before);
  });

  it("carries the Cloudflare ray id when it is one", async () => {
    await post(PING, { headers: { "CF-Ray": "8f1a2b3c4d5e6f70-LHR" } });
    expect(last()).toMatchObject({ ray: "8f1a2b3c4d5e6f70-LHR" });
    await post(PING, { headers: { "CF-Ray": "<not a ray>" } });
    expect(last()).not.toHaveProperty("ray");
  });
});

describe("arguments (LOG_ARGUMENTS)", () => {
  it("are not logged unless asked for", async () => {
    await post(call("echo", { text: "confidential" }));
    expect(everything()).not.toContain("confidential");
  });

  it("are logged cut to LOG_ARGUMENTS characters when asked for; a resource read's URI too", async () => {
    const vars = { LOG_ARGUMENTS: "20" };
    await post(call("echo", { text: "a fairly long text that goes on" }), { vars });
    expect(last()).toMatchObject({ name: "echo", arguments: '{"text":"a fairly lo…' });
    await post({ jsonrpc: "2.0", id: 1, method: "resources/read", params: { uri: "fixture://items/apple" } }, { vars });
    expect(last()).toMatchObject({ name: "item", arguments: '"fixture://items/app…' });
  });

  it("bounds what a deeply nested argument costs", async () => {
    // As deep as a message may nest (MAX_JSON_DEPTH, src/template/json-depth.ts): the line keeps 8 levels.
    let deep: unknown = "bottom";
    for (let i = 0; i < 55; i++) deep = { d: deep };
    await post(call("echo", { text: "hi", deep }), { vars: { LOG_ARGUMENTS: "4096" } });
    const args = last().arguments as string;
    expect(args.length).toBeLessThanOrEqual(4097);
    expect(args).toContain('"…"');
  });
});

describe("who is calling, and what never appears", () => {
  const secret = "log-user-secret-of-at-least-32-bytes!!";
  const vars = { ...withPassphrase, MCP_AUTH: "oauth", LOG_USER_SECRET: secret } as Partial<Env>;

  it("an OAuth call: its client id and a keyed hash of the user; never the token or the passphrase", async () => {
    const { tokens, clientId } = await signIn({ vars });
    await rpc(call("echo", { text: "hi" }), tokens.access_token, vars);
    const first = last();
    expect(first).toEqual({
      era: "legacy",
      method: "tools/call",
      name: "echo",
      outcome: "result",
      status: 200,
      ms,
      auth: "oauth",
      client: clientId,
      user: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    // The same user is the same id on every request; another key makes another id.
    await rpc(PING, tokens.access_token, vars);
    expect(last().user).toBe(first.user);
    await rpc(PING, tokens.access_token, { ...vars, LOG_USER_SECRET: `${secret}-rotated` });
    expect(last().user).not.toBe(first.user);
    // Without the secret, deployed: no user id at all.
    await rpc(PING, tokens.access_token, { ...vars, LOG_USER_SECRET: undefined });
    expect(last()).not.toHaveProperty("user");

    const all = everything();
    expect(all).not.toContain(tokens.access_token);
    expect(all).not.toContain(tokens.access_token.split(":")[2]);
    expect(all).not.toContain(tokens.refresh_token.split(":")[2]);
    expect(all).not.toContain(PASSPHRASE);
    expect(all).not.toContain(secret);
  });

  it("a call without a token: refused with 401", async () => {
    await rpc(PING, undefined, vars);
    expect(last()).toEqual({ outcome: "refused", status: 401, ms, auth: "oauth" });
    await rpc(PING, "forged-token-value", vars);
    expect(last()).toMatchObject({ outcome: "refused", status: 401 });
    expect(everything()).not.toContain("forged-token-value");
  });

  it("an API key call: key:<id> as the client; never the key", async () => {
    const { key, id } = await createKey({ user: "ci" });
    await rpc(call("echo", { text: "hi" }), key, vars);
    expect(last()).toMatchObject({ auth: "key", client: `key:${id}`, user: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const modern = await modernPost("tools/call", call("caller").params, {
      url: "https://mcp.example.com/mcp",
      vars,
      headers: { Authorization: `Bearer ${key}` },
    });
    expect((await answerOf(modern)).result).toBeDefined();
    expect(last()).toMatchObject({ era: "modern", auth: "key", name: "caller", outcome: "result" });
    expect(everything()).not.toContain(key);
    expect(everything()).not.toContain(key.slice(18));
  });
});
