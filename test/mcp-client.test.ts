import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as registry from "../src/mcp/registry.gen.js";
import { CLIENT_KINDS, type McpClient } from "./helpers/clients.js";

describe.each(CLIENT_KINDS)("MCP over Streamable HTTP (MCP_AUTH=none), $label", (kind) => {
  let client: McpClient;
  beforeEach(async () => {
    client = await kind.connect();
  });
  afterEach(async () => {
    await client.close();
    vi.restoreAllMocks();
  });

  it("connects with the server's identity and only the capabilities a stateless Worker delivers", () => {
    expect(client.getServerVersion()).toMatchObject({ name: "mcp-worker-template" });
    expect(client.getServerCapabilities()).toEqual({
      tools: { listChanged: false },
      resources: { listChanged: false },
      prompts: { listChanged: false },
      completions: {},
    });
  });

  it("lists the tools with their schemas and annotations", async () => {
    const { tools } = await client.listTools();
    // Every file in src/mcp/tools/ (the examples at least), so adding a tool needs no test edit.
    expect(tools.map((t) => t.name).sort()).toEqual(registry.tools.map((t) => t.name).sort());
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["convert_temperature", "github_repo", "whoami"]));
    const convert = tools.find((t) => t.name === "convert_temperature")!;
    expect(convert.inputSchema.properties?.value).toMatchObject({ type: "number", description: expect.any(String) });
    expect(convert.outputSchema?.properties).toHaveProperty("value");
    expect(convert.annotations).toMatchObject({ readOnlyHint: true });
  });

  it("convert_temperature returns text and structured content", async () => {
    const result = await client.callTool({
      name: "convert_temperature",
      arguments: { value: 100, from: "celsius", to: "fahrenheit" },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ value: 212, unit: "fahrenheit", text: "100 °C = 212 °F" });
  });

  it("convert_temperature refuses temperatures below absolute zero as a tool error", async () => {
    const result = await client.callTool({
      name: "convert_temperature",
      arguments: { value: -300, from: "celsius", to: "kelvin" },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("absolute zero");
  });

  it("github_repo turns GitHub's answer into structured content", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockResolvedValue(
      Response.json({
        full_name: "cloudflare/workers-sdk",
        description: "Home to Wrangler",
        stargazers_count: 3000,
        forks_count: 700,
        open_issues_count: 600,
        language: "TypeScript",
        license: { spdx_id: "Apache-2.0" },
        html_url: "https://github.com/cloudflare/workers-sdk",
      }),
    );
    const result = await client.callTool({
      name: "github_repo",
      arguments: { owner: "cloudflare", repo: "workers-sdk" },
    });
    expect(spy).toHaveBeenCalledWith("https://api.github.com/repos/cloudflare/workers-sdk", expect.anything());
    expect(result.structuredContent).toMatchObject({
      fullName: "cloudflare/workers-sdk",
      stars: 3000,
      license: "Apache-2.0",
    });
  });

  it.each([
    [new Response("{}", { status: 404 }), "no public repository"],
    [new Response("{}", { status: 403, headers: { "x-ratelimit-reset": "1700000000" } }), "rate limit"],
    [new Response("{}", { status: 502 }), "HTTP 502"],
    [Response.json({ unexpected: true }), "not a repository"],
  ])("github_repo explains GitHub failures as tool errors (%#)", async (answer, message) => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(answer);
    const result = await client.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain(message);
  });

  it("github_repo explains network failures and timeouts", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValueOnce(new TypeError("Network connection lost"));
    const down = await client.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(down.isError).toBe(true);
    expect(JSON.stringify(down.content)).toContain("Could not reach GitHub");

    vi.spyOn(globalThis, "fetch").mockRejectedValueOnce(new DOMException("timed out", "TimeoutError"));
    const slow = await client.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(JSON.stringify(slow.content)).toContain("did not answer");
  });

  it("github_repo refuses names that are not GitHub names, without calling out", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const result = await client.callTool({ name: "github_repo", arguments: { owner: "../../admin", repo: "x" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("not a GitHub user or organisation name");
    expect(spy).not.toHaveBeenCalled();
  });

  it("github_repo refuses . and .., which would leave /repos/{owner}/ in the URL", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    for (const repo of [".", ".."]) {
      const result = await client.callTool({ name: "github_repo", arguments: { owner: "cloudflare", repo } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain("not a GitHub repository name");
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it("convert_temperature refuses a result too large to represent instead of failing its output schema", async () => {
    const result = await client.callTool({
      name: "convert_temperature",
      arguments: { value: 1e308, from: "celsius", to: "fahrenheit" },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("too large to convert");
  });

  it("whoami says nobody when authentication is off", async () => {
    const result = await client.callTool({ name: "whoami", arguments: {} });
    expect(result.structuredContent).toEqual({ authenticated: false, scopes: [] });
  });

  it("reports invalid arguments as a tool error and an unknown tool as -32602", async () => {
    const bad = await client.callTool({
      name: "convert_temperature",
      arguments: { value: "hot", from: "celsius", to: "kelvin" },
    });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("Input validation error");
    // An unknown tool is the client's protocol error (-32602), not a result the model reads.
    await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toThrow(/no_such_tool not found/);
  });

  it("reads the fixed resource and the resource template", async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain("info://server");
    const info = await client.readResource({ uri: "info://server" });
    expect(JSON.parse(textOf(info.contents[0]))).toMatchObject({ name: "mcp-worker-template" });

    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain("math://constants/{name}");
    const pi = await client.readResource({ uri: "math://constants/pi" });
    expect(textOf(pi.contents[0])).toContain("3.14159");
    await expect(client.readResource({ uri: "math://constants/nope" })).rejects.toThrow(/Unknown constant/);
    // Names that exist on every object, but are not constants.
    for (const name of ["constructor", "__proto__", "toString"]) {
      await expect(client.readResource({ uri: `math://constants/${name}` })).rejects.toThrow(/Unknown constant/);
    }
  });

  it("completes the resource template's variable", async () => {
    const result = await client.complete({
      ref: { type: "ref/resource", uri: "math://constants/{name}" },
      argument: { name: "name", value: "p" },
    });
    expect(result.completion.values).toEqual(["pi", "phi"]);
    const unknown = await client.complete({
      ref: { type: "ref/resource", uri: "math://constants/{name}" },
      argument: { name: "constructor", value: "" },
    });
    expect(unknown.completion.values).toEqual([]);
  });

  it("gets the prompt with its arguments", async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.find((p) => p.name === "review_code")).toMatchObject({
      name: "review_code",
      arguments: expect.arrayContaining([expect.objectContaining({ name: "code", required: true })]),
    });
    const prompt = await client.getPrompt({
      name: "review_code",
      arguments: { code: "let x = 1", language: "TypeScript", focus: "naming" },
    });
    const text = JSON.stringify(prompt.messages);
    expect(text).toContain("let x = 1");
    expect(text).toContain("Focus on naming");
  });
});

function textOf(content: { text: string } | { blob: string } | undefined): string {
  if (!content || !("text" in content)) throw new Error("expected a text resource");
  return content.text;
}
