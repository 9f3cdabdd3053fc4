import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as registry from "../src/mcp/registry.gen.js";
import { CLIENT_KINDS, type McpClient } from "./helpers/clients.js";
import { answerOf, modernPost } from "./helpers/modern.js";
import { MCP_URL, PASSPHRASE, signIn, withPassphrase } from "./helpers/oauth.js";
import { workerFetch } from "./helpers/worker.js";

/** What each example tool is called with, and what its answer must contain. */
const CALLS: Record<string, { arguments: Record<string, unknown>; expect: Record<string, unknown> }> = {
  convert_temperature: {
    arguments: { value: 100, from: "celsius", to: "fahrenheit" },
    expect: { structuredContent: { value: 212, unit: "fahrenheit", text: "100 °C = 212 °F" } },
  },
  github_repo: {
    arguments: { owner: "cloudflare", repo: "workers-sdk" },
    expect: { structuredContent: expect.objectContaining({ fullName: "cloudflare/workers-sdk", stars: 1 }) },
  },
  whoami: {
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

function fakeGitHub() {
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith("https://api.github.com/")) return real(input, init);
    return Response.json({
      full_name: "cloudflare/workers-sdk",
      stargazers_count: 1,
      forks_count: 2,
      open_issues_count: 3,
      html_url: "https://github.com/cloudflare/workers-sdk",
    });
  });
}

describe.each(CLIENT_KINDS)("with a token from the OAuth flow, $label", (kind) => {
  let token: string;
  let client: McpClient;
  beforeAll(async () => {
    token = (await signIn()).tokens.access_token;
  });
  afterEach(async () => {
    await client?.close();
    vi.restoreAllMocks();
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
    fakeGitHub();
    await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(registry.tools.map((t) => t.name).sort());
    // The examples; a fork's own tools are listed above and tested in their own files.
    for (const [name, call] of Object.entries(CALLS)) {
      if (!tools.some((t) => t.name === name)) continue;
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
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain("math://constants/{name}");
    const pi = await client.readResource({ uri: "math://constants/pi" });
    expect(JSON.stringify(pi.contents)).toContain("3.14159");
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(registry.prompts.map((p) => p.name).sort());
    const prompt = await client.getPrompt({ name: "review_code", arguments: { code: "let x = 1" } });
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

  it("whoami without the profile scope: 403 insufficient_scope; with it: an answer", async () => {
    const { tokens } = await signIn({ vars: baselineOnly, scope: "mcp" });
    const options = { url: MCP_URL, vars: baselineOnly, headers: { Authorization: `Bearer ${tokens.access_token}` } };
    const refused = await modernPost("tools/call", { name: "whoami", arguments: {} }, options);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
    expect(refused.headers.get("WWW-Authenticate")).toContain('scope="mcp profile"');
    // The same token still lists and calls what needs nothing more.
    const convert = await modernPost(
      "tools/call",
      { name: "convert_temperature", arguments: { value: 0, from: "celsius", to: "kelvin" } },
      options,
    );
    expect((await answerOf(convert)).result).toMatchObject({ structuredContent: { value: 273.15 } });

    const stepped = await signIn({ vars: baselineOnly, scope: "mcp profile" });
    const answered = await modernPost(
      "tools/call",
      { name: "whoami", arguments: {} },
      { ...options, headers: { Authorization: `Bearer ${stepped.tokens.access_token}` } },
    );
    expect((await answerOf(answered)).result).toMatchObject({
      structuredContent: { authenticated: true, scopes: ["mcp", "profile"] },
    });
  });
});
