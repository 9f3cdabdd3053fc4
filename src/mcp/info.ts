import { version } from "../../package.json";

/**
 * Who this server is. Forks: change these. `registryName` is the reverse-DNS name the MCP
 * Registry and server card use (io.github.<you>/<repo> for a GitHub-hosted project).
 */
export const serverInfo = {
  name: "mcp-worker-template",
  title: "MCP Worker Template",
  version,
  registryName: "io.github.example/mcp-worker-template",
  /** One line, at most 100 characters (the server card's limit). */
  description: "A starter MCP server on Cloudflare Workers with OAuth 2.1, ready for Smithery.",
  /** Sent to clients at initialize: how a model should use this server. */
  instructions: "Example tools: convert temperatures, look up public GitHub repositories, and tell who is calling.",
} as const;
