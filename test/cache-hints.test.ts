import { beforeAll, describe, expect, it } from "vitest";
import { LIST_TTL_MS } from "../src/template/mcp/cache.js";
import { isApp } from "../src/template/mcp/define.js";
import { harnessRegistry, serving } from "./fixtures/harness.js";
import { post } from "./helpers/http.js";
import { answerOf, modernPost } from "./helpers/modern.js";
import { MCP_URL, signIn, withPassphrase } from "./helpers/oauth.js";

// The harness fixtures (test/fixtures/harness.ts): one fixed resource, one template, an app.
serving();

const DAY = 24 * 60 * 60_000;
const oauth = { MCP_AUTH: "oauth", ...withPassphrase } as Partial<Env>;

/** Each cacheable request, and the lifetime this template gives its answer. */
const CACHEABLE: [string, Record<string, unknown>, number][] = [
  ["server/discover", {}, LIST_TTL_MS],
  ["tools/list", {}, LIST_TTL_MS],
  ["prompts/list", {}, LIST_TTL_MS],
  ["resources/list", {}, LIST_TTL_MS],
  ["resources/templates/list", {}, LIST_TTL_MS],
  ["resources/read", { uri: "fixture://about" }, 5 * 60_000],
  ["resources/read", { uri: "fixture://items/apple" }, DAY],
];

/**
 * With an MCP App in the registry, these two lists depend on whether the client declared the
 * io.modelcontextprotocol/ui extension (src/template/mcp/apps-negotiation.ts): never shared, even when open.
 */
const PER_CLIENT = harnessRegistry.tools.some(isApp) ? ["tools/list", "resources/list"] : [];

describe("cache hints (2026-07-28 ttlMs / cacheScope)", () => {
  it.each(CACHEABLE)("MCP_AUTH=none: %s %j is public, the same for everyone", async (method, params, ttlMs) => {
    const { result } = await answerOf(await modernPost(method, params));
    expect(result).toMatchObject({ ttlMs, cacheScope: PER_CLIENT.includes(method) ? "private" : "public" });
  });

  describe("MCP_AUTH=oauth", () => {
    let token: string;
    beforeAll(async () => {
      token = (await signIn()).tokens.access_token;
    });

    it.each(CACHEABLE)("%s %j is private: the answer is for the token's holder", async (method, params, ttlMs) => {
      const response = await modernPost(method, params, {
        url: MCP_URL,
        vars: oauth,
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      expect((await answerOf(response)).result).toMatchObject({ ttlMs, cacheScope: "private" });
    });
  });

  it("answers that are not cacheable carry no hint", async () => {
    const call = await answerOf(await modernPost("tools/call", { name: "echo", arguments: { text: "hi" } }));
    expect(call.result).not.toHaveProperty("ttlMs");
    expect(call.result).not.toHaveProperty("cacheScope");
  });

  it("2025-era answers never carry hints", async () => {
    for (const [method, params] of CACHEABLE.filter(([m]) => m !== "server/discover")) {
      const { result } = await answerOf(
        await post({ jsonrpc: "2.0", id: 1, method, params }, { headers: { "MCP-Protocol-Version": "2025-11-25" } }),
      );
      expect(result).toBeDefined();
      expect(result).not.toHaveProperty("ttlMs");
      expect(result).not.toHaveProperty("cacheScope");
    }
  });

  it("two requests in one isolate, one per auth mode, each get their own scope", async () => {
    const [open, closed] = await Promise.all([
      modernPost("prompts/list"),
      signIn().then(({ tokens }) =>
        modernPost(
          "prompts/list",
          {},
          { url: MCP_URL, vars: oauth, headers: { Authorization: `Bearer ${tokens.access_token}` } },
        ),
      ),
    ]);
    expect((await answerOf(open)).result).toMatchObject({ cacheScope: "public" });
    expect((await answerOf(closed)).result).toMatchObject({ cacheScope: "private" });
  });
});
