import {
  type Implementation,
  LATEST_PROTOCOL_VERSION,
  type Prompt,
  type Resource,
  type ResourceTemplate,
  type ServerCapabilities,
  type Tool,
} from "@modelcontextprotocol/server";
import { discoverInProcess, LEGACY_REVISIONS } from "../mcp/endpoint.js";
import { askInProcess } from "../mcp/in-process.js";
import { createMcpServer, LIST_METHODS, type McpRequest, servedRegistry } from "../mcp/server.js";
import { memo } from "../memo.js";
import { defaultSession } from "../session/read.js";

/** What clients of both eras see: server/discover, initialize, and the four list calls. */
export interface CapabilitySnapshot {
  /** Every revision the endpoint serves, newest first: server/discover's, then the 2025-era ones. */
  supportedProtocolVersions: string[];
  /** The newest 2025-era revision, what initialize answers a current 2025 client with. */
  protocolVersion: string;
  serverInfo: Implementation;
  capabilities: ServerCapabilities;
  instructions: string | undefined;
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
}

/**
 * Asks the real server, in process, what it offers: the same handlers that answer clients over
 * HTTP, so the card can never drift from tools/list. Once per isolate, whichever `env` asks first
 * (what is offered is the same for every caller); a failure is not kept.
 */
export const getCapabilitySnapshot: (env: Env) => Promise<CapabilitySnapshot> = memo(takeSnapshot, {
  // One answer per registry served: the Worker's, or one a test or fixture Worker swapped in
  // (`useRegistry`), which must not be answered with the other's lists.
  key: () => servedRegistry(),
  max: 4,
});

async function takeSnapshot(env: Env): Promise<CapabilitySnapshot> {
  // Who asks does not matter for what is offered: the lists are the same for every caller.
  // What every client gets: a client that renders MCP Apps also learns of the views.
  const context: McpRequest = {
    env,
    auth: "none",
    user: undefined,
    scopes: [],
    session: await defaultSession(),
    apps: false,
  };
  const discover = await discoverInProcess(context);
  const server = createMcpServer(context, "legacy");
  const [init, ...lists] = await askInProcess(server, [
    {
      method: "initialize",
      params: {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: "server-card", version: "1.0.0" },
      },
    },
    ...LIST_METHODS.map((method) => ({ method })),
  ]);
  // A kind the registry has none of is not offered (nor listed): an empty list on the card.
  const answers = Object.assign({}, ...lists) as {
    tools?: Tool[];
    resources?: Resource[];
    resourceTemplates?: ResourceTemplate[];
    prompts?: Prompt[];
  };
  const { protocolVersion, serverInfo, capabilities, instructions } = init as {
    protocolVersion: string;
    serverInfo: Implementation;
    capabilities: ServerCapabilities;
    instructions?: string;
  };
  return {
    supportedProtocolVersions: [...discover.supportedVersions, ...LEGACY_REVISIONS],
    protocolVersion,
    serverInfo,
    capabilities,
    instructions,
    tools: answers.tools ?? [],
    resources: answers.resources ?? [],
    resourceTemplates: answers.resourceTemplates ?? [],
    prompts: answers.prompts ?? [],
  };
}
