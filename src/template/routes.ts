/**
 * Every path the Worker answers, named once: the router (src/template/http/app.ts), the OAuth provider's
 * setup and its gateway (src/template/auth/), the landing page and the cards build on these.
 */
export const ROUTES = {
  /** The landing page: what this server is and how to connect a client. */
  landing: "/",
  /** The MCP endpoint (Streamable HTTP): POST only, both protocol eras. */
  mcp: "/mcp",
  /** For uptime monitors and load balancers: is this deployment configured and serving (src/template/health.ts). */
  health: "/health",
  /** The consent page (MCP_AUTH=oauth): GET shows it, POST answers it. */
  authorize: "/authorize",
  /** Where an upstream identity provider (GitHub, OIDC) sends the browser back. */
  callback: "/oauth/callback",
  /** Served by the OAuth provider itself. */
  token: "/oauth/token",
  register: "/oauth/register",
  /** RFC 9728's root document; the provider serves the path-aware one (`${this}/mcp`). */
  protectedResourceRoot: "/.well-known/oauth-protected-resource",
  /** Smithery's server card (SEP-1649's shape). */
  smitheryCard: "/.well-known/mcp/server-card.json",
  /** SEP-2127's server card: next to the endpoint, and at the well-known path. */
  mcpServerCards: ["/mcp/server-card", "/.well-known/mcp/server-card"],
} as const;

/** Every card path: all public, even with MCP_AUTH=oauth (the provider would guard /mcp/…). */
export const SERVER_CARD_PATHS: readonly string[] = [ROUTES.smitheryCard, ...ROUTES.mcpServerCards];
