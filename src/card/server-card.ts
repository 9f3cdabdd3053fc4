import type { Config } from "../config.js";
import { serverInfo } from "../mcp/info.js";
import type { CapabilitySnapshot } from "./snapshot.js";

export const SERVER_CARD_SCHEMA = "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json";

/**
 * The server card: the SEP-2127 fields (`$schema`, reverse-DNS `name`, `version`, `description`,
 * `remotes`) and, in the same document, what Smithery reads when it cannot scan (`serverInfo`,
 * `authentication`, `tools`, `resources`, `prompts`). Lists come from the live server.
 */
export function buildServerCard(snapshot: CapabilitySnapshot, mcpUrl: string, config: Config) {
  const oauth = config.auth === "oauth";
  return {
    $schema: SERVER_CARD_SCHEMA,
    name: serverInfo.registryName,
    title: serverInfo.title,
    version: serverInfo.version,
    description: serverInfo.description,
    remotes: [{ type: "streamable-http", url: mcpUrl }],
    protocolVersion: snapshot.protocolVersion,
    serverInfo: snapshot.serverInfo,
    capabilities: snapshot.capabilities,
    ...(snapshot.instructions ? { instructions: snapshot.instructions } : {}),
    authentication: { required: oauth, schemes: oauth ? ["oauth2"] : [] },
    tools: snapshot.tools,
    resources: snapshot.resources,
    resourceTemplates: snapshot.resourceTemplates,
    prompts: snapshot.prompts,
  };
}

export type ServerCard = ReturnType<typeof buildServerCard>;
