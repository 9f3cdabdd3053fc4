import { Client, type ClientCapabilities, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { Secrets } from "../../src/template/config.js";
import { LegacyClient, LegacyHttpTransport, legacyValidator } from "./legacy-client.js";
import { BASE, workerFetch } from "./worker.js";

type Vars = Partial<Env & Secrets>;

export interface ConnectOptions {
  /** The Worker's settings; authentication is off unless these say otherwise. */
  vars?: Vars;
  /** A bearer token (from test/helpers/oauth.ts) sent with every request. */
  token?: string;
  /** The server's origin: http://localhost:8787 (wrangler dev) unless given. */
  origin?: string;
  /** Client options, such as the capabilities it declares. */
  capabilities?: ClientCapabilities;
}

function transportOptions({ vars = { MCP_AUTH: "none" }, token }: ConnectOptions) {
  return {
    fetch: workerFetch(vars),
    ...(token && { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
  };
}

/** The v2 client pinned to 2026-07-28, connected to the Worker through its own fetch. */
export async function modernClient(options: ConnectOptions = {}): Promise<Client> {
  const client = new Client(
    { name: "modern-test-client", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: options.capabilities },
  );
  const url = new URL("/mcp", options.origin ?? BASE);
  await client.connect(new StreamableHTTPClientTransport(url, transportOptions(options)));
  return client;
}

/** The 1.x SDK client (2025-11-25, `initialize`), connected to the Worker through its own fetch. */
export async function legacyClient(options: ConnectOptions = {}): Promise<LegacyClient> {
  const client = new LegacyClient(
    { name: "legacy-test-client", version: "1.0.0" },
    { jsonSchemaValidator: legacyValidator, capabilities: options.capabilities },
  );
  const url = new URL("/mcp", options.origin ?? BASE);
  await client.connect(new LegacyHttpTransport(url, transportOptions(options)));
  return client;
}
