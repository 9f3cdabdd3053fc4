import { specTypeSchemas } from "@modelcontextprotocol/server";
import { beforeAll, describe, expect, it } from "vitest";
import { version } from "../package.json";
import { serving } from "./fixtures/harness.js";
import { CLIENT_KINDS } from "./helpers/clients.js";
import { OPEN, post } from "./helpers/http.js";
import { LegacyClient, LegacyHttpTransport, legacyValidator } from "./helpers/legacy-client.js";
import { answerOf, modernPost } from "./helpers/modern.js";
import { BASE, fetchWorker, workerFetch } from "./helpers/worker.js";

// The harness fixtures (test/fixtures/harness.ts): a tool of each shape, resources, a prompt. The
// cards of src/template/mcp/'s own capabilities are checked by test/capabilities.test.ts, an empty
// registry's by test/empty-registry.test.ts.
serving();

const SMITHERY = "/.well-known/mcp/server-card.json";
const SEP_2127 = ["/mcp/server-card", "/.well-known/mcp/server-card"] as const;
const REVISIONS = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"];

// What a client sees over HTTP: a card must equal it, not a copy kept by hand.
interface Live {
  tools: unknown[];
  resources: unknown[];
  resourceTemplates: unknown[];
  prompts: unknown[];
}

/** A 2025-era client's view: initialize and the four lists. */
async function legacyView() {
  const client = new LegacyClient({ name: "card-test", version: "1.0.0" }, { jsonSchemaValidator: legacyValidator });
  const transport = new LegacyHttpTransport(new URL(`${BASE}/mcp`), { fetch: workerFetch(OPEN) });
  await client.connect(transport);
  try {
    return {
      ...(await lists(client)),
      serverInfo: client.getServerVersion(),
      capabilities: client.getServerCapabilities(),
      instructions: client.getInstructions(),
      protocolVersion: transport.protocolVersion,
    };
  } finally {
    await client.close();
  }
}

/** A 2026-07-28 client's view: the four lists (server/discover is asked on the wire below). */
async function modernView(): Promise<Live> {
  const client = await CLIENT_KINDS.find((k) => k.era === "modern")!.connect();
  try {
    return await lists(client);
  } finally {
    await client.close();
  }
}

async function lists(client: {
  listTools(): Promise<{ tools: unknown[] }>;
  listResources(): Promise<{ resources: unknown[] }>;
  listResourceTemplates(): Promise<{ resourceTemplates: unknown[] }>;
  listPrompts(): Promise<{ prompts: unknown[] }>;
}): Promise<Live> {
  return {
    tools: (await client.listTools()).tools,
    resources: (await client.listResources()).resources,
    resourceTemplates: (await client.listResourceTemplates()).resourceTemplates,
    prompts: (await client.listPrompts()).prompts,
  };
}

async function getCard(path: string, vars: Partial<Env> = OPEN, init?: RequestInit) {
  const response = await fetchWorker(path, init, vars);
  expect(response.status).toBe(200);
  return { response, card: (await response.json()) as Record<string, unknown> };
}

/** Validates with the SDK's own schema; what comes back keeps only the fields the spec knows. */
function known(name: "Tool" | "Resource" | "ResourceTemplate" | "Prompt" | "Implementation" | "ServerCapabilities") {
  return (value: unknown) => {
    const result = specTypeSchemas[name]["~standard"].validate(value);
    if (result.issues) throw new Error(`${name}: ${JSON.stringify(result.issues)}`);
    return result.value;
  };
}

function expectSdkShapes(card: Record<string, unknown>) {
  // Equality after validation: nothing is missing, mistyped or invented.
  for (const tool of card.tools as unknown[]) expect(known("Tool")(tool)).toEqual(tool);
  for (const r of card.resources as unknown[]) expect(known("Resource")(r)).toEqual(r);
  for (const t of card.resourceTemplates as unknown[]) expect(known("ResourceTemplate")(t)).toEqual(t);
  for (const p of card.prompts as unknown[]) expect(known("Prompt")(p)).toEqual(p);
  expect(known("ServerCapabilities")(card.capabilities)).toEqual(card.capabilities);
}

describe("Smithery's card (SEP-1649 shape) at /.well-known/mcp/server-card.json", () => {
  let live: Awaited<ReturnType<typeof legacyView>>;
  let card: Record<string, unknown>;
  beforeAll(async () => {
    live = await legacyView();
    card = (await getCard(SMITHERY)).card;
  });

  it("lists exactly what a 2025-era client's list calls return", () => {
    expect(live.tools.length).toBeGreaterThan(0);
    expect(card.tools).toEqual(live.tools);
    expect(card.resources).toEqual(live.resources);
    expect(card.resourceTemplates).toEqual(live.resourceTemplates);
    expect(card.prompts).toEqual(live.prompts);
  });

  it("states the server's identity, capabilities, instructions and protocol version as initialize does", () => {
    expect(card.serverInfo).toEqual(live.serverInfo);
    expect(known("Implementation")(card.serverInfo)).toEqual(card.serverInfo);
    expect(card.serverInfo).toMatchObject({ name: "mcp-worker-template", title: expect.any(String), version });
    expect(card.capabilities).toEqual(live.capabilities);
    expect(card.instructions).toBe(live.instructions);
    expect(card.protocolVersion).toBe(live.protocolVersion);
    expect(card.supportedProtocolVersions).toEqual(REVISIONS);
  });

  it("uses the SDK's own shapes for every listed item", () => expectSdkShapes(card));

  it("says authentication is not required when MCP_AUTH is none, OAuth when it is oauth, and stays public", async () => {
    expect(card.authentication).toEqual({ required: false, schemes: [] });
    const { card: oauth } = await getCard(SMITHERY, { MCP_AUTH: "oauth" });
    expect(oauth.authentication).toEqual({ required: true, schemes: ["oauth2"] });
    expect(oauth.tools).toEqual(live.tools);
  });

  it("is plain JSON", async () => {
    const { response } = await getCard(SMITHERY);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  });
});

describe("the MCP server card (SEP-2127) at /mcp/server-card", () => {
  let live: Live;
  let discover: Record<string, unknown> & { _meta?: Record<string, unknown> };
  let card: Record<string, unknown>;
  beforeAll(async () => {
    live = await modernView();
    discover = (await answerOf(await modernPost("server/discover"))).result!;
    card = (await getCard(SEP_2127[0])).card;
  });

  it("is served as application/mcp-server-card+json", async () => {
    const { response } = await getCard(SEP_2127[0]);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/mcp-server-card\+json/);
  });

  it("has the SEP-2127 fields", () => {
    expect(card.$schema).toBe("https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json");
    // Reverse-DNS namespace, exactly one slash, then the server's name (the MCP Registry's rule).
    expect(card.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    expect(String(card.name).split("/")[0]).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i);
    expect(card.version).toBe(version);
    expect(card.version).not.toMatch(/^[\^~<>=]|\bx\b|\*/); // a version, never a range
    expect(String(card.description).length).toBeGreaterThan(0);
    expect(String(card.description).length).toBeLessThanOrEqual(100);
    expect(String(card.title).length).toBeLessThanOrEqual(100);
    expect(card.remotes).toEqual([
      {
        type: "streamable-http",
        url: `${BASE}/mcp`,
        supportedProtocolVersions: REVISIONS,
        authentication: { required: false, schemes: [] },
      },
    ]);
  });

  it("agrees with server/discover: revisions, capabilities, version", () => {
    const [remote] = card.remotes as { supportedProtocolVersions: string[] }[];
    expect(remote!.supportedProtocolVersions).toEqual(expect.arrayContaining(discover.supportedVersions as string[]));
    expect(card.capabilities).toEqual(discover.capabilities);
    expect(discover._meta?.["io.modelcontextprotocol/serverInfo"]).toMatchObject({ version: card.version });
  });

  it("lists exactly what a 2026-07-28 client's list calls return", () => {
    expect(card.tools).toEqual(live.tools);
    expect(card.resources).toEqual(live.resources);
    expect(card.resourceTemplates).toEqual(live.resourceTemplates);
    expect(card.prompts).toEqual(live.prompts);
  });

  it("uses the SDK's own shapes for every listed item", () => expectSdkShapes(card));

  it("names only revisions the endpoint really serves", async () => {
    const [remote] = card.remotes as { supportedProtocolVersions: string[] }[];
    for (const revision of remote!.supportedProtocolVersions.filter((r) => r !== "2026-07-28")) {
      const { result } = await answerOf(
        await post({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion: revision, capabilities: {}, clientInfo: { name: "x", version: "1" } },
        }),
      );
      expect(result, revision).toMatchObject({ protocolVersion: revision });
    }
  });

  it("says OAuth is required when MCP_AUTH is oauth, and stays public", async () => {
    const { card: oauth } = await getCard(SEP_2127[0], { MCP_AUTH: "oauth" });
    expect(oauth.remotes).toMatchObject([{ authentication: { required: true, schemes: ["oauth2"] } }]);
  });

  it("is the same document at /.well-known/mcp/server-card", async () => {
    expect((await getCard(SEP_2127[1])).card).toEqual(card);
  });

  it("points remotes at the origin it was reached on, or at PUBLIC_URL", async () => {
    const deployed = await getCard("https://mcp.example.com/mcp/server-card");
    expect(deployed.card.remotes).toMatchObject([{ url: "https://mcp.example.com/mcp" }]);
    const behindProxy = await getCard("https://x.example.workers.dev/mcp/server-card", {
      ...OPEN,
      PUBLIC_URL: "https://mcp.example.org/",
    });
    expect(behindProxy.card.remotes).toMatchObject([{ url: "https://mcp.example.org/mcp" }]);
    expect(behindProxy.response.headers.get("ETag")).not.toBe(deployed.response.headers.get("ETag"));
  });
});

// Smithery's card names no origin: public. The SEP-2127 card names the origin it was reached on,
// so without PUBLIC_URL a shared cache must not keep it.
const CACHE: Record<string, string> = {
  [SMITHERY]: "public, max-age=3600",
  [SEP_2127[0]]: "private, max-age=3600",
  [SEP_2127[1]]: "private, max-age=3600",
};

describe.each([SMITHERY, ...SEP_2127])("%s over HTTP", (path) => {
  it("is cacheable (privately when it names a Host-derived origin) and readable from any origin", async () => {
    const { response } = await getCard(path, OPEN, { headers: { Origin: "https://evil.example.com" } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("GET");
    expect(response.headers.get("Cache-Control")).toBe(CACHE[path]);
    expect(response.headers.get("ETag")).toMatch(/^"[^"]+"$/);
  });

  it("is public with MCP_AUTH=oauth too, without a token", async () => {
    const response = await fetchWorker(`https://mcp.example.com${path}`, undefined, { MCP_AUTH: "oauth" });
    expect(response.status).toBe(200);
  });

  it("answers If-None-Match with its ETag with 304 and no body", async () => {
    const { response } = await getCard(path);
    const etag = response.headers.get("ETag")!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const cached = await fetchWorker(path, { headers: { "If-None-Match": ifNoneMatch } }, OPEN);
      expect(cached.status, ifNoneMatch).toBe(304);
      expect(await cached.text()).toBe("");
      expect(cached.headers.get("ETag")).toBe(etag);
      expect(cached.headers.get("Cache-Control")).toBe(CACHE[path]);
    }
    const stale = await fetchWorker(path, { headers: { "If-None-Match": '"stale"' } }, OPEN);
    expect(stale.status).toBe(200);
    expect(await stale.json()).toHaveProperty("tools");
  });

  it("answers HEAD with the headers and no body", async () => {
    const { response } = await getCard(path);
    const head = await fetchWorker(path, { method: "HEAD" }, OPEN);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(head.headers.get("ETag")).toBe(response.headers.get("ETag"));
    expect(head.headers.get("Content-Type")).toBe(response.headers.get("Content-Type"));
  });
});

it("the two cards differ in shape but agree on what the server offers", async () => {
  const smithery = (await getCard(SMITHERY)).card;
  const mcp = (await getCard(SEP_2127[0])).card;
  for (const field of ["tools", "resources", "resourceTemplates", "prompts", "capabilities"]) {
    expect(smithery[field], field).toEqual(mcp[field]);
  }
  expect(smithery).toHaveProperty("serverInfo");
  expect(smithery).not.toHaveProperty("$schema");
  expect(mcp).not.toHaveProperty("serverInfo");
});
