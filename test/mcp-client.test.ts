import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isApp } from "../src/template/mcp/define.js";
import { harnessRegistry as registry, serving } from "./fixtures/harness.js";
import { CLIENT_KINDS, type McpClient } from "./helpers/clients.js";

// The harness fixtures (test/fixtures/harness.ts); each example has its own test beside its file.
serving();

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
      // MCP Apps: offered to the clients that declare the extension too (test/apps.test.ts).
      ...(registry.tools.some(isApp) && {
        extensions: { "io.modelcontextprotocol/ui": { mimeTypes: ["text/html;profile=mcp-app"] } },
      }),
    });
  });

  it("lists the tools with their schemas and annotations", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(registry.tools.map((t) => t.name).sort());
    const echo = tools.find((t) => t.name === "echo")!;
    expect(echo.inputSchema.properties?.text).toMatchObject({ type: "string", description: expect.any(String) });
    expect(echo.outputSchema?.properties).toHaveProperty("text");
    expect(echo.annotations).toMatchObject({ readOnlyHint: true });
  });

  it("returns text and structured content, and a tool error as a result the model reads", async () => {
    const result = await client.callTool({ name: "echo", arguments: { text: "hi", times: 3 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ text: "hi hi hi" });
    const failed = await client.callTool({ name: "echo", arguments: { text: "fail" } });
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed.content)).toContain("Asked to fail");
  });

  it("reports invalid arguments as a tool error and an unknown tool as -32602", async () => {
    const bad = await client.callTool({ name: "echo", arguments: { text: "hi", times: 9 } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("Input validation error");
    // An unknown tool is the client's protocol error (-32602), not a result the model reads.
    await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toThrow(/no_such_tool not found/);
  });

  it("reads the fixed resource and the resource template", async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain("fixture://about");
    const about = await client.readResource({ uri: "fixture://about" });
    expect(JSON.parse(textOf(about.contents[0]))).toEqual({ fixture: true });

    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain("fixture://items/{id}");
    const apple = await client.readResource({ uri: "fixture://items/apple" });
    expect(textOf(apple.contents[0])).toBe("apple: a fruit");
    await expect(client.readResource({ uri: "fixture://items/nope" })).rejects.toThrow(/Unknown item/);
    // Names that exist on every object are no items either.
    for (const id of ["constructor", "__proto__", "toString"]) {
      await expect(client.readResource({ uri: `fixture://items/${id}` })).rejects.toThrow(/Unknown item/);
    }
  });

  it("completes the resource template's variable; a name every object has completes nothing", async () => {
    const result = await client.complete({
      ref: { type: "ref/resource", uri: "fixture://items/{id}" },
      argument: { name: "id", value: "a" },
    });
    expect(result.completion.values).toEqual(["apple", "anchor"]);
    const unknown = await client.complete({
      ref: { type: "ref/resource", uri: "fixture://items/{id}" },
      argument: { name: "constructor", value: "" },
    });
    expect(unknown.completion.values).toEqual([]);
  });

  it("gets the prompt with its arguments", async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.find((p) => p.name === "summarize")).toMatchObject({
      name: "summarize",
      arguments: expect.arrayContaining([expect.objectContaining({ name: "text", required: true })]),
    });
    const prompt = await client.getPrompt({ name: "summarize", arguments: { text: "let x = 1", style: "one line" } });
    const text = JSON.stringify(prompt.messages);
    expect(text).toContain("let x = 1");
    expect(text).toContain("as one line");
  });
});

function textOf(content: { text: string } | { blob: string } | undefined): string {
  if (!content || !("text" in content)) throw new Error("expected a text resource");
  return content.text;
}
