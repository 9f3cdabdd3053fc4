import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { serverInfo } from "../src/server/info.js";
import { LIST_TTL_MS } from "../src/template/mcp/cache.js";
import { type AnyPrompt, type AnyTool, isApp, type ResourceDefinition } from "../src/template/mcp/define.js";
import * as generated from "../src/template/mcp/registry.gen.js";
import { CLIENT_KINDS } from "./helpers/clients.js";
import { answerOf, modernPost } from "./helpers/modern.js";
import { fetchWorker } from "./helpers/worker.js";

// Every capability in src/server/ (the examples, and whatever a fork adds or leaves), checked the same
// way without a test edit: listed in both protocol eras with valid schemas, on both server cards
// and the landing page, and its scope in the OAuth metadata. It holds for an empty folder too.
// What a capability *does* is its own test's business, beside its file (src/server/tools/x.test.ts).

const open = { MCP_AUTH: "none" } as const;
// Widened: the generated lists are tuples, and an empty folder makes them `readonly []`.
const tools: readonly AnyTool[] = generated.tools;
const resources: readonly ResourceDefinition[] = generated.resources;
const prompts: readonly AnyPrompt[] = generated.prompts;
const fixed = resources.filter((r) => !r.uri.includes("{"));
const templates = resources.filter((r) => r.uri.includes("{"));
const names = (list: readonly { name: string }[]) => list.map((d) => d.name).sort();

type JsonSchema = { type?: string; properties?: Record<string, { description?: string }>; required?: string[] };

/** A tool's JSON Schema as MCP requires it: an object, whose required fields are properties. */
function expectObjectSchema(schema: JsonSchema | undefined, where: string) {
  expect(schema?.type, where).toBe("object");
  const properties = schema?.properties ?? {};
  expect(typeof properties, where).toBe("object");
  for (const field of schema?.required ?? []) expect(Object.keys(properties), `${where}: ${field}`).toContain(field);
  // The schema survives a trip through JSON: what clients and Smithery's scanner receive.
  expect(JSON.parse(JSON.stringify(schema)), where).toEqual(schema);
}

describe.each(CLIENT_KINDS)("every capability in src/template/mcp/, $label", (kind) => {
  it("every tool and app is listed once, described, with valid input and output schemas", async () => {
    const client = await kind.connect();
    if (tools.length === 0) {
      // No tools: the capability is not offered, and tools/list is not a method of this server.
      expect(client.getServerCapabilities()?.tools).toBeUndefined();
      await client.close();
      return;
    }
    const listed = (await client.listTools()).tools as {
      name: string;
      description?: string;
      inputSchema: JsonSchema;
      outputSchema?: JsonSchema;
    }[];
    expect(names(listed)).toEqual(names(tools));
    for (const tool of tools) {
      const answer = listed.find((t) => t.name === tool.name)!;
      expect(answer.description, tool.name).toBe(tool.description);
      expect(tool.description.trim().length, `${tool.name} needs a description models can read`).toBeGreaterThan(0);
      expect(tool.name, "tool names are what clients call: letters, digits, _ - .").toMatch(/^[A-Za-z0-9_.-]{1,128}$/);
      expectObjectSchema(answer.inputSchema, `${tool.name} inputSchema`);
      if (tool.outputSchema) expectObjectSchema(answer.outputSchema, `${tool.name} outputSchema`);
      else expect(answer.outputSchema, tool.name).toBeUndefined();
    }
    await client.close();
  });

  it("every resource, template and prompt is listed; every fixed resource reads", async () => {
    const client = await kind.connect();
    const capabilities = client.getServerCapabilities() ?? {};
    if (resources.length > 0 || tools.some(isApp)) {
      const listed = (await client.listResources()).resources.map((r) => r.uri);
      expect(listed.filter((uri) => !uri.startsWith("ui://")).sort()).toEqual(fixed.map((r) => r.uri).sort());
      const listedTemplates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
      expect(listedTemplates.sort()).toEqual(templates.map((r) => r.uri).sort());
      for (const resource of fixed) {
        const { contents } = await client.readResource({ uri: resource.uri });
        expect(contents.length, resource.uri).toBeGreaterThan(0);
      }
    } else {
      expect(capabilities.resources).toBeUndefined();
    }
    if (prompts.length > 0) {
      const listed = (await client.listPrompts()).prompts;
      expect(names(listed)).toEqual(names(prompts));
    } else {
      expect(capabilities.prompts).toBeUndefined();
    }
    await client.close();
  });
});

describe("every capability in src/template/mcp/, beyond MCP", () => {
  it.each(["/.well-known/mcp/server-card.json", "/mcp/server-card"])("the server card %s lists them", async (path) => {
    const response = await fetchWorker(path, undefined, open);
    expect(response.status).toBe(200);
    const card = (await response.json()) as { tools?: { name: string }[]; prompts?: { name: string }[] };
    expect(names(card.tools ?? [])).toEqual(names(tools));
    if (card.prompts) expect(names(card.prompts)).toEqual(names(prompts));
  });

  it("the landing page names every tool", async () => {
    const page = await (await fetchWorker("/", { headers: { Accept: "text/html" } }, open)).text();
    for (const tool of tools) expect(page).toContain(`<code>${tool.name}</code>`);
    if (tools.length === 0) expect(page).toContain("No tools yet.");
  });

  it("every scope a tool requires is declared, with the text the consent page shows (src/server/info.ts)", () => {
    const declared: Record<string, string> = serverInfo.scopes;
    for (const tool of tools) {
      if (tool.requiredScope === undefined) continue;
      expect(Object.keys(declared), `${tool.name}'s requiredScope`).toContain(tool.requiredScope);
      expect(declared[tool.requiredScope]?.trim(), `${tool.requiredScope}'s consent text`).toBeTruthy();
    }
  });

  it("every scope OAUTH_SCOPES gives each token is declared too", () => {
    for (const scope of env.OAUTH_SCOPES.split(/[\s,]+/).filter(Boolean)) {
      expect(Object.keys(serverInfo.scopes), "OAUTH_SCOPES in wrangler.toml").toContain(scope);
    }
  });

  it("the OAuth metadata offers every scope a tool requires", async () => {
    const response = await fetchWorker("/.well-known/oauth-authorization-server", undefined, {
      AUTH_PASSPHRASE: "correct horse battery staple",
    });
    const { scopes_supported } = (await response.json()) as { scopes_supported: string[] };
    for (const tool of tools) if (tool.requiredScope) expect(scopes_supported).toContain(tool.requiredScope);
  });

  it("server/discover offers exactly the kinds there are, with list answers cacheable", async () => {
    const { result } = await answerOf(await modernPost("server/discover"));
    const capabilities = (result as { capabilities: Record<string, unknown> }).capabilities;
    expect("tools" in capabilities).toBe(tools.length > 0);
    expect("prompts" in capabilities).toBe(prompts.length > 0);
    expect("resources" in capabilities).toBe(resources.length > 0 || tools.some(isApp));
    expect(result).toMatchObject({ ttlMs: LIST_TTL_MS });
  });
});
