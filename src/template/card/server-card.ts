import { serverInfo } from "../../server/info.js";
import type { Config } from "../config.js";
import type { CapabilitySnapshot } from "./snapshot.js";

export const SERVER_CARD_SCHEMA = "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json";

function authentication(config: Config) {
  const oauth = config.auth === "oauth";
  return { required: oauth, schemes: oauth ? ["oauth2"] : [] };
}

/**
 * The MCP server card (SEP-2127), served at /mcp/server-card and /.well-known/mcp/server-card as
 * `application/mcp-server-card+json`: reverse-DNS `name`, `version`, `description`, and `remotes`
 * naming every protocol revision the endpoint serves, both eras. Capabilities and lists come from
 * the live server, so they agree with server/discover and the list calls.
 */
export function buildServerCard(snapshot: CapabilitySnapshot, mcpUrl: string, config: Config) {
  return {
    $schema: SERVER_CARD_SCHEMA,
    name: serverInfo.registryName,
    version: serverInfo.version,
    title: serverInfo.title,
    description: serverInfo.description,
    remotes: [
      {
        type: "streamable-http",
        url: mcpUrl,
        supportedProtocolVersions: snapshot.supportedProtocolVersions,
        authentication: authentication(config),
      },
    ],
    capabilities: snapshot.capabilities,
    tools: snapshot.tools,
    resources: snapshot.resources,
    resourceTemplates: snapshot.resourceTemplates,
    prompts: snapshot.prompts,
  };
}

/**
 * Smithery's static card (SEP-1649's shape), at /.well-known/mcp/server-card.json: what Smithery
 * shows when it cannot scan (before anyone authorizes it). `serverInfo` is the one field it
 * requires; `authentication` must agree with what /mcp does (the preflight checks both).
 */
export function buildSmitheryCard(snapshot: CapabilitySnapshot, config: Config) {
  return {
    serverInfo: snapshot.serverInfo,
    protocolVersion: snapshot.protocolVersion,
    supportedProtocolVersions: snapshot.supportedProtocolVersions,
    description: serverInfo.description,
    capabilities: snapshot.capabilities,
    ...(snapshot.instructions ? { instructions: snapshot.instructions } : {}),
    authentication: authentication(config),
    tools: snapshot.tools,
    resources: snapshot.resources,
    resourceTemplates: snapshot.resourceTemplates,
    prompts: snapshot.prompts,
  };
}

export type ServerCard = ReturnType<typeof buildServerCard>;
export type SmitheryCard = ReturnType<typeof buildSmitheryCard>;
