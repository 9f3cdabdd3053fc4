import { version } from "../../package.json";

/**
 * Who this server is: what clients, the landing page, the consent page and the server cards say
 * about it. Change these in a fork. `registryName` is the reverse-DNS name the MCP Registry and
 * the server card use (io.github.<you>/<repo> for a GitHub-hosted project).
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
  /**
   * Every OAuth scope this server can grant, with what the consent page tells the user it allows
   * ("This application will be able to …"). OAUTH_SCOPES (wrangler.toml) says which of them every
   * token carries; a tool's `requiredScope` must be one of these (the tests check), and a client
   * asks for it when it needs it (step-up). Scopes not listed here are never granted.
   */
  scopes: {
    mcp: "use this server's tools, resources and prompts",
    profile: "see who you are: your name, login and email",
  },
} as const;
