import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  ImplementationSchema,
  PromptSchema,
  ResourceSchema,
  ResourceTemplateSchema,
  ServerCapabilitiesSchema,
  ToolSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { version } from "../package.json";
import { OPEN } from "./helpers/http.js";
import { legacyValidator as jsonSchemaValidator } from "./helpers/legacy-client.js";
import { BASE, fetchWorker, workerFetch } from "./helpers/worker.js";

const PATHS = ["/.well-known/mcp/server-card.json", "/.well-known/mcp/server-card", "/mcp/server-card"];

// What a client sees over HTTP: the card must equal it, not a copy kept by hand.
interface Live {
  tools: unknown[];
  resources: unknown[];
  resourceTemplates: unknown[];
  prompts: unknown[];
  serverInfo: unknown;
  capabilities: unknown;
  protocolVersion: string | undefined;
}

async function liveLists(): Promise<Live> {
  const client = new Client({ name: "card-test", version: "1.0.0" }, { jsonSchemaValidator });
  const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { fetch: workerFetch(OPEN) });
  await client.connect(transport);
  try {
    return {
      tools: (await client.listTools()).tools,
      resources: (await client.listResources()).resources,
      resourceTemplates: (await client.listResourceTemplates()).resourceTemplates,
      prompts: (await client.listPrompts()).prompts,
      serverInfo: client.getServerVersion(),
      capabilities: client.getServerCapabilities(),
      protocolVersion: transport.protocolVersion,
    };
  } finally {
    await client.close();
  }
}

async function getCard(path = PATHS[0]!, vars: Partial<Env> = OPEN, init?: RequestInit) {
  const response = await fetchWorker(path, init, vars);
  expect(response.status).toBe(200);
  return { response, card: (await response.json()) as Record<string, unknown> };
}

describe("server card", () => {
  let live: Live;
  let card: Record<string, unknown>;
  beforeAll(async () => {
    live = await liveLists();
    card = (await getCard()).card;
  });

  it("lists exactly what tools/list, resources/list, resources/templates/list and prompts/list return", () => {
    expect(live.tools.length).toBeGreaterThan(0);
    expect(card.tools).toEqual(live.tools);
    expect(card.resources).toEqual(live.resources);
    expect(card.resourceTemplates).toEqual(live.resourceTemplates);
    expect(card.prompts).toEqual(live.prompts);
  });

  it("states the server's identity, capabilities and protocol version as initialize does", () => {
    expect(card.serverInfo).toEqual(live.serverInfo);
    expect(card.serverInfo).toMatchObject({ name: "mcp-worker-template", title: expect.any(String), version });
    expect(card.capabilities).toEqual(live.capabilities);
    expect(card.protocolVersion).toBe(live.protocolVersion);
  });

  it("has the SEP-2127 fields", () => {
    expect(card.$schema).toBe("https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json");
    // Reverse-DNS namespace, exactly one slash, then the server's name (the MCP Registry's rule).
    expect(card.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    expect(String(card.name).split("/")[0]).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i);
    expect(card.version).toBe(version);
    expect(card.version).not.toMatch(/^[\^~<>=]|\bx\b|\*/); // a version, never a range
    expect(typeof card.description).toBe("string");
    expect(String(card.description).length).toBeGreaterThan(0);
    expect(String(card.description).length).toBeLessThanOrEqual(100);
    expect(String(card.title).length).toBeLessThanOrEqual(100);
    expect(card.remotes).toEqual([{ type: "streamable-http", url: `${BASE}/mcp` }]);
  });

  it("says authentication is not required when MCP_AUTH is none", () => {
    expect(card.authentication).toEqual({ required: false, schemes: [] });
  });

  it("says OAuth is required when MCP_AUTH is oauth, and stays public", async () => {
    const { card: oauth } = await getCard(PATHS[0], { MCP_AUTH: "oauth" });
    expect(oauth.authentication).toEqual({ required: true, schemes: ["oauth2"] });
    expect(oauth.tools).toEqual(live.tools);
  });

  it("uses the SDK's own shapes for every listed item", () => {
    // Parsing keeps known fields only: equality means nothing is missing, mistyped or invented.
    for (const tool of card.tools as unknown[]) expect(ToolSchema.parse(tool)).toEqual(tool);
    for (const r of card.resources as unknown[]) expect(ResourceSchema.parse(r)).toEqual(r);
    for (const t of card.resourceTemplates as unknown[]) expect(ResourceTemplateSchema.parse(t)).toEqual(t);
    for (const p of card.prompts as unknown[]) expect(PromptSchema.parse(p)).toEqual(p);
    expect(ImplementationSchema.parse(card.serverInfo)).toEqual(card.serverInfo);
    expect(ServerCapabilitiesSchema.parse(card.capabilities)).toEqual(card.capabilities);
  });

  it("is the same document at every path", async () => {
    for (const path of PATHS) {
      const response = await fetchWorker(path, undefined, OPEN);
      expect(response.status, path).toBe(200);
      expect(await response.json(), path).toEqual(card);
    }
  });

  it("points remotes at the origin it was reached on, or at PUBLIC_URL", async () => {
    const deployed = await getCard("https://mcp.example.com/.well-known/mcp/server-card.json");
    expect(deployed.card.remotes).toEqual([{ type: "streamable-http", url: "https://mcp.example.com/mcp" }]);
    const behindProxy = await getCard("https://x.example.workers.dev/.well-known/mcp/server-card.json", {
      ...OPEN,
      PUBLIC_URL: "https://mcp.example.org/",
    });
    expect(behindProxy.card.remotes).toEqual([{ type: "streamable-http", url: "https://mcp.example.org/mcp" }]);
    expect(behindProxy.response.headers.get("ETag")).not.toBe(deployed.response.headers.get("ETag"));
  });
});

describe("server card over HTTP", () => {
  it("is public, cacheable, readable from any origin, and JSON", async () => {
    const { response } = await getCard(PATHS[0], OPEN, { headers: { Origin: "https://evil.example.com" } });
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("GET");
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=3600");
    expect(response.headers.get("ETag")).toMatch(/^"[^"]+"$/);
  });

  it("answers If-None-Match with its ETag with 304 and no body", async () => {
    const { response } = await getCard();
    const etag = response.headers.get("ETag")!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const cached = await fetchWorker(PATHS[0]!, { headers: { "If-None-Match": ifNoneMatch } }, OPEN);
      expect(cached.status, ifNoneMatch).toBe(304);
      expect(await cached.text()).toBe("");
      expect(cached.headers.get("ETag")).toBe(etag);
      expect(cached.headers.get("Cache-Control")).toBe("public, max-age=3600");
    }
    const stale = await fetchWorker(PATHS[0]!, { headers: { "If-None-Match": '"stale"' } }, OPEN);
    expect(stale.status).toBe(200);
    expect(await stale.json()).toHaveProperty("tools");
  });

  it("answers HEAD with the headers and no body", async () => {
    const { response } = await getCard();
    const head = await fetchWorker(PATHS[0]!, { method: "HEAD" }, OPEN);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(head.headers.get("ETag")).toBe(response.headers.get("ETag"));
    expect(head.headers.get("Content-Type")).toMatch(/^application\/json/);
  });
});
