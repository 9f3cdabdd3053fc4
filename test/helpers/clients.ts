import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { LegacyClient, LegacyHttpTransport, legacyValidator } from "./legacy-client.js";
import { BASE, workerFetch } from "./worker.js";

/** What the tests ask of a client: the calls both SDK lines offer with the same shapes. */
export interface McpClient {
  listTools(): Promise<{
    tools: {
      name: string;
      inputSchema: { properties?: Record<string, unknown> };
      outputSchema?: { properties?: Record<string, unknown> };
      annotations?: Record<string, unknown>;
    }[];
  }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<{
    isError?: boolean;
    content?: unknown;
    structuredContent?: Record<string, unknown>;
    [k: string]: unknown;
  }>;
  listResources(): Promise<{ resources: { uri: string; [k: string]: unknown }[] }>;
  listResourceTemplates(): Promise<{ resourceTemplates: { uriTemplate: string; [k: string]: unknown }[] }>;
  readResource(params: { uri: string }): Promise<{ contents: ({ text: string } | { blob: string })[] }>;
  listPrompts(): Promise<{ prompts: { name: string; [k: string]: unknown }[] }>;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<{ messages: unknown[] }>;
  complete(params: {
    ref: { type: "ref/resource"; uri: string };
    argument: { name: string; value: string };
  }): Promise<{ completion: { values: string[] } }>;
  getServerVersion(): { name: string; version: string } | undefined;
  getServerCapabilities(): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

export interface ClientKind {
  label: string;
  era: "modern" | "legacy";
  /**
   * A 2025-era client that re-initializes before every call and never sends `Mcp-Session-Id` back,
   * as Claude's connector is reported to (anthropics/claude-ai-mcp#99, #583): what it declared at
   * initialize (apps, elicitation) is unknown to every later request.
   */
  dropsSession?: true;
  /**
   * Connects to `url` through `fetch` (the Worker's own), with extra request headers, declaring
   * `capabilities` (e.g. an extension such as io.modelcontextprotocol/ui).
   */
  connect(options?: {
    url?: string;
    fetch?: typeof fetch;
    headers?: Record<string, string>;
    capabilities?: Record<string, unknown>;
  }): Promise<McpClient>;
}

const open = { MCP_AUTH: "none" } as const;

/**
 * The two kinds of client every capability is proven with: the v2 SDK client pinned to
 * 2026-07-28 (server/discover, per-request _meta, no initialize) and the 1.x SDK client, a real
 * 2025-era client (initialize, 2025-11-25).
 */
export const CLIENT_KINDS: readonly ClientKind[] = [
  {
    label: "v2 client pinned to 2026-07-28",
    era: "modern",
    async connect({ url = `${BASE}/mcp`, fetch = workerFetch(open), headers, capabilities = {} } = {}) {
      const client = new Client(
        { name: "test-client", version: "1.0.0" },
        { capabilities, versionNegotiation: { mode: { pin: "2026-07-28" } } },
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch, requestInit: { headers } }));
      if (client.getProtocolEra() !== "modern") throw new Error("the pinned client did not speak 2026-07-28");
      return client as unknown as McpClient;
    },
  },
  {
    label: "1.x client (2025-11-25)",
    era: "legacy",
    async connect({ url = `${BASE}/mcp`, fetch = workerFetch(open), headers, capabilities = {} } = {}) {
      const client = new LegacyClient(
        { name: "test-client", version: "1.0.0" },
        { capabilities, jsonSchemaValidator: legacyValidator },
      );
      const transport = new LegacyHttpTransport(new URL(url), { fetch, requestInit: { headers } });
      await client.connect(transport);
      if (transport.protocolVersion !== "2025-11-25") throw new Error(`negotiated ${transport.protocolVersion}`);
      return client as unknown as McpClient;
    },
  },
  {
    label: "1.x client that drops Mcp-Session-Id and re-initializes before every call",
    era: "legacy",
    dropsSession: true,
    async connect({ url = `${BASE}/mcp`, fetch = workerFetch(open), headers, capabilities = {} } = {}) {
      const client = new LegacyClient(
        { name: "test-client", version: "1.0.0" },
        { capabilities, jsonSchemaValidator: legacyValidator },
      );
      const transport = new LegacyHttpTransport(new URL(url), {
        fetch: droppingSession(fetch),
        requestInit: { headers },
      });
      await client.connect(transport);
      return client as unknown as McpClient;
    },
  },
];

/**
 * A `fetch` that behaves like a client that keeps no MCP session: every request goes without
 * `Mcp-Session-Id`, and each call is preceded by the same `initialize` again (its answer ignored).
 */
export function droppingSession(inner: typeof fetch): typeof fetch {
  let initialize: string | undefined;
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.delete("Mcp-Session-Id");
    const body = typeof init.body === "string" ? init.body : undefined;
    const message = body ? (JSON.parse(body) as { method?: string; id?: unknown }) : undefined;
    if (message?.method === "initialize") initialize = body;
    else if (initialize && message?.id !== undefined) {
      const again = await inner(input, { ...init, headers, body: initialize });
      await again.body?.cancel();
    }
    return inner(input, { ...init, headers });
  };
}

/** Declares the MCP Apps extension (io.modelcontextprotocol/ui), as a host that renders views does. */
export const DECLARING_APPS = { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } };

/** What app tests read besides the common client surface: the `_meta` of tools and resources. */
export interface AppAwareClient {
  listTools(): Promise<{ tools: { name: string; _meta?: Record<string, unknown> }[] }>;
  listResources(): Promise<{ resources: { uri: string; mimeType?: string; _meta?: Record<string, unknown> }[] }>;
  readResource(params: { uri: string }): Promise<{ contents: Record<string, unknown>[] }>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<Record<string, unknown>>;
  getServerCapabilities(): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

/** Each era's SDK client, by protocol revision, declaring the MCP Apps extension or not. */
export const APP_CLIENTS = Object.fromEntries(
  CLIENT_KINDS.filter((kind) => !kind.dropsSession).map((kind) => [
    kind.era === "modern" ? "2026-07-28" : "2025-11-25",
    async (apps: boolean) =>
      (await kind.connect({ capabilities: apps ? DECLARING_APPS : {} })) as unknown as AppAwareClient,
  ]),
) as Record<"2026-07-28" | "2025-11-25", (apps: boolean) => Promise<AppAwareClient>>;
