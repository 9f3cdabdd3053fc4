import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { harnessRegistry as registry, serving } from "./fixtures/harness.js";
import { CLIENT_KINDS, type McpClient } from "./helpers/clients.js";
import { answerOf, modernPost } from "./helpers/modern.js";
import { MCP_URL, PASSPHRASE, signIn, withPassphrase } from "./helpers/oauth.js";
import { workerFetch } from "./helpers/worker.js";

// The harness fixtures (test/fixtures/harness.ts), not the examples: a fork deletes those.
serving();

/** What each fixture tool is called with, and what its answer must contain. */
const CALLS: Record<string, { arguments: Record<string, unknown>; expect: Record<string, unknown> }> = {
  echo: { arguments: { text: "hi", times: 2 }, expect: { structuredContent: { text: "hi hi" } } },
  panel: { arguments: { value: 7 }, expect: { structuredContent: { value: 7 } } },
  show_session: { arguments: {}, expect: { structuredContent: { temperatureUnit: "celsius" } } },
  caller: {
    arguments: {},
    expect: {
      structuredContent: {
        authenticated: true,
        id: expect.any(String),
        provider: "passphrase",
        scopes: ["mcp", "profile"],
      },
    },
  },
};

describe.each(CLIENT_KINDS)("with a token from the OAuth flow, $label", (kind) => {
  let token: string;
  let client: McpClient;
  beforeAll(async () => {
    token = (await signIn()).tokens.access_token;
  });
  afterEach(async () => {
    await client?.close();
  });

  async function connect(bearer = token) {
    client = await kind.connect({
      url: MCP_URL,
      fetch: workerFetch(withPassphrase),
      headers: { Authorization: `Bearer ${bearer}` },
    });
    return client;
  }

  it("lists and calls every tool", async () => {
    await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(registry.tools.map((t) => t.name).sort());
    for (const [name, call] of Object.entries(CALLS)) {
      expect(await client.callTool({ name, arguments: call.arguments })).toMatchObject(call.expect);
    }
  });

  it("reads the resources and gets the prompts", async () => {
    await connect();
    const { resources } = await client.listResources();
    expect(resources.length).toBe(registry.resources.filter((r) => !r.uri.includes("{")).length);
    for (const resource of resources) {
      const { contents } = await client.readResource({ uri: resource.uri });
      expect(contents.length).toBeGreaterThan(0);
    }
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain("fixture://items/{id}");
    const apple = await client.readResource({ uri: "fixture://items/apple" });
    expect(JSON.stringify(apple.contents)).toContain("apple: a fruit");
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(registry.prompts.map((p) => p.name).sort());
    const prompt = await client.getPrompt({ name: "summarize", arguments: { text: "let x = 1" } });
    expect(JSON.stringify(prompt.messages)).toContain("let x = 1");
  });

  it("cannot connect without a token, nor with a forged one", async () => {
    await expect(kind.connect({ url: MCP_URL, fetch: workerFetch(withPassphrase) })).rejects.toThrow();
    await expect(
      kind.connect({ url: MCP_URL, fetch: workerFetch(withPassphrase), headers: { Authorization: "Bearer forged" } }),
    ).rejects.toThrow();
  });
});

describe("a tool's requiredScope, in the 2026-07-28 era too", () => {
  const baselineOnly = { MCP_AUTH: "oauth", AUTH_PASSPHRASE: PASSPHRASE, OAUTH_SCOPES: "mcp" } as Partial<Env>;

  it("caller without the profile scope: 403 insufficient_scope; with it: an answer", async () => {
    const { tokens } = await signIn({ vars: baselineOnly, scope: "mcp" });
    const options = { url: MCP_URL, vars: baselineOnly, headers: { Authorization: `Bearer ${tokens.access_token}` } };
    const refused = await modernPost("tools/call", { name: "caller", arguments: {} }, options);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
    expect(refused.headers.get("WWW-Authenticate")).toContain('scope="mcp profile"');
    // The same token still lists and calls what needs nothing more.
    const echoed = await modernPost("tools/call", { name: "echo", arguments: { text: "hi" } }, options);
    expect((await answerOf(echoed)).result).toMatchObject({ structuredContent: { text: "hi" } });

    const stepped = await signIn({ vars: baselineOnly, scope: "mcp profile" });
    const answered = await modernPost(
      "tools/call",
      { name: "caller", arguments: {} },
      { ...options, headers: { Authorization: `Bearer ${stepped.tokens.access_token}` } },
    );
    expect((await answerOf(answered)).result).toMatchObject({
      structuredContent: { authenticated: true, scopes: ["mcp", "profile"] },
    });
  });
});
