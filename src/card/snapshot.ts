import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type {
  Implementation,
  Prompt,
  Resource,
  ResourceTemplate,
  ServerCapabilities,
  Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { createMcpServer } from "../mcp/server.js";
import { jsonSchemaValidator } from "../mcp/validator.js";
import { DEFAULT_SESSION } from "../session/read.js";

/** What a client sees after initialize and the four list calls. */
export interface CapabilitySnapshot {
  protocolVersion: string;
  serverInfo: Implementation;
  capabilities: ServerCapabilities;
  instructions: string | undefined;
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
}

let snapshot: Promise<CapabilitySnapshot> | undefined;

/**
 * Asks the real server, in process, what it offers: the same code path as a client over HTTP,
 * so the card can never drift from tools/list. Once per isolate; a failure is not cached.
 */
export function getCapabilitySnapshot(env: Env): Promise<CapabilitySnapshot> {
  snapshot ??= takeSnapshot(env).catch((error: unknown) => {
    snapshot = undefined;
    throw error;
  });
  return snapshot;
}

async function takeSnapshot(env: Env): Promise<CapabilitySnapshot> {
  const server = createMcpServer({
    env,
    user: undefined,
    scopes: [],
    session: DEFAULT_SESSION,
    signal: new AbortController().signal,
  });
  const client = new Client({ name: "server-card", version: "1.0.0" }, { jsonSchemaValidator });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  let protocolVersion = "";
  // The client reports the version it negotiated to its transport; keep it for the card.
  (clientSide as Transport).setProtocolVersion = (version) => {
    protocolVersion = version;
  };
  await server.connect(serverSide);
  await client.connect(clientSide);
  try {
    const [tools, resources, resourceTemplates, prompts] = await Promise.all([
      client.listTools(),
      client.listResources(),
      client.listResourceTemplates(),
      client.listPrompts(),
    ]);
    return {
      protocolVersion,
      serverInfo: client.getServerVersion()!,
      capabilities: client.getServerCapabilities()!,
      instructions: client.getInstructions(),
      tools: tools.tools,
      resources: resources.resources,
      resourceTemplates: resourceTemplates.resourceTemplates,
      prompts: prompts.prompts,
    };
  } finally {
    await client.close();
  }
}
