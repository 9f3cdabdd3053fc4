import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { harnessRegistry as registry, serving } from "./fixtures/harness.js";
import { createKey, revokeKey } from "./helpers/api-keys.js";
import { CLIENT_KINDS, type McpClient } from "./helpers/clients.js";
import { logged } from "./helpers/console.js";
import { freshWindow, ownAddress, WINDOW_TEST_TIMEOUT } from "./helpers/limits.js";
import { answerOf, modernPost } from "./helpers/modern.js";
import { MCP_URL, rpc, withPassphrase } from "./helpers/oauth.js";
import { workerFetch } from "./helpers/worker.js";

// API keys beside OAuth (src/template/auth/api-keys.ts): made and stored as `npm run keys` does
// (test/helpers/api-keys.ts), sent as a bearer token, through the OAuth provider's
// resolveExternalToken, with the harness fixtures.
serving();

afterEach(() => vi.restoreAllMocks());

/** The settings of test/helpers/oauth.ts, said in full for `modernPost` (whose default is MCP_AUTH=none). */
const OAUTH = { ...withPassphrase, MCP_AUTH: "oauth" } as Partial<Env>;
const callTool = (name: string) => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } });
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** Every line logged during the test, of any level, as text. */
const allLogs = () => logged().join("\n");

describe.each(CLIENT_KINDS)("a key made with npm run keys, $label", (kind) => {
  let client: McpClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it("lists and calls the tools as the user it names, with its scopes", async () => {
    const { key } = await createKey({ user: "ci-bot", scopes: ["mcp", "profile"] });
    client = await kind.connect({ url: MCP_URL, fetch: workerFetch(withPassphrase), headers: bearer(key) });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(registry.tools.map((t) => t.name).sort());
    const me = await client.callTool({ name: "caller", arguments: {} });
    expect(me.structuredContent).toEqual({
      authenticated: true,
      id: "ci-bot",
      provider: "key",
      login: "ci-bot",
      scopes: ["mcp", "profile"],
    });
    expect(allLogs()).not.toContain(key);
  });

  it("stops working once revoked: the client cannot connect", async () => {
    const { key, id } = await createKey({});
    await revokeKey(id);
    await expect(
      kind.connect({ url: MCP_URL, fetch: workerFetch(withPassphrase), headers: bearer(key) }),
    ).rejects.toThrow();
    expect(allLogs()).not.toContain(key);
  });
});

describe("checking a key", () => {
  it("answers a revoked key with 401 and the discovery challenge", async () => {
    const { key, id } = await createKey({});
    expect((await rpc(callTool("echo"), key)).status).toBe(200);
    await revokeKey(id);
    const refused = await rpc(callTool("echo"), key);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toMatch(/^Bearer .*error="invalid_token"/);
    expect(refused.headers.get("WWW-Authenticate")).toContain("resource_metadata=");
    expect(allLogs()).not.toContain(key);
  });

  it("refuses the right id with a wrong secret", async () => {
    const { key } = await createKey({});
    const wrong = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
    const refused = await rpc(callTool("echo"), wrong);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });

  it("refuses malformed and oversized keys before reading KV", async () => {
    const get = vi.spyOn(env.OAUTH_KV, "get");
    for (const token of [
      "mcpk_short",
      `mcpk_AAAAAAAAAAAA_${"B".repeat(44)}`,
      `mcpk_AAAAAA!AAAAA_${"B".repeat(43)}`,
      `mcpk_AAAAAAAAAAAA_${"B".repeat(5000)}`,
      "x".repeat(600),
    ]) {
      const refused = await rpc(callTool("echo"), token);
      expect(refused.status, token.slice(0, 30)).toBe(401);
      expect(refused.headers.get("WWW-Authenticate")).toContain("Bearer");
    }
    expect(get).not.toHaveBeenCalled();
  });

  it("asks for a scope the key does not carry: 403 insufficient_scope (the step-up)", async () => {
    const { key } = await createKey({ scopes: ["mcp"] });
    const legacy = await rpc(callTool("caller"), key);
    expect(legacy.status).toBe(403);
    expect(legacy.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
    expect(legacy.headers.get("WWW-Authenticate")).toContain('scope="mcp profile"');
    const modern = await modernPost(
      "tools/call",
      { name: "caller", arguments: {} },
      { url: MCP_URL, vars: OAUTH, headers: bearer(key) },
    );
    expect(modern.status).toBe(403);
    expect(modern.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
    // What needs no more than it has still works.
    const echoed = await modernPost(
      "tools/call",
      { name: "echo", arguments: { text: "hi" } },
      { url: MCP_URL, vars: OAUTH, headers: bearer(key) },
    );
    expect((await answerOf(echoed)).result).toMatchObject({ structuredContent: { text: "hi" } });
    expect(allLogs()).not.toContain(key);
  });

  it("grants only scopes the server declares, whatever the record says", async () => {
    const { key } = await createKey({ record: { scopes: ["mcp", "profile", "admin"] } });
    const answer = await rpc(callTool("caller"), key);
    expect(
      ((await answer.json()) as { result: { structuredContent: unknown } }).result.structuredContent,
    ).toMatchObject({ scopes: ["mcp", "profile"] });
  });

  it("refuses a record whose user is not a key user's shape", async () => {
    const { key } = await createKey({ record: { user: "a\nforged line" } });
    expect((await rpc(callTool("echo"), key)).status).toBe(401);
  });

  it("is not needed with MCP_AUTH=none: a key sent anyway is ignored, and not logged", async () => {
    const { key } = await createKey({});
    const answer = await rpc(callTool("caller"), key, { MCP_AUTH: "none" });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { result: { structuredContent: unknown } }).result.structuredContent).toEqual({
      authenticated: false,
      scopes: [],
    });
    expect(allLogs()).not.toContain(key);
  });

  it(
    "counts a key's calls against its user's limits, whichever of the user's keys is used",
    async () => {
      await freshWindow();
      const alice = `alice-${ownAddress().replace(/:/g, "")}`;
      const [first, second] = [await createKey({ user: alice }), await createKey({ user: alice })];
      const bob = await createKey({ user: `bob-${alice}` });
      for (let i = 0; i < 10; i++) {
        const response = await rpc(callTool("limited"), (i % 2 ? first : second).key);
        expect(response.status).toBe(200);
      }
      expect((await rpc(callTool("limited"), first.key)).status).toBe(429);
      expect((await rpc(callTool("limited"), second.key)).status).toBe(429);
      expect((await rpc(callTool("limited"), bob.key)).status).toBe(200);
    },
    WINDOW_TEST_TIMEOUT,
  );
});
