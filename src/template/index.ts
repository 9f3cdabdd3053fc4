import { type Config, ConfigError, getConfig } from "./config.js";
import { createApp } from "./http/app.js";
import { normalizePath } from "./http/normalize-path.js";
import { memo } from "./memo.js";

// Durable Object classes (wrangler.toml [[durable_objects.bindings]]) are exported by the entry:
// the OAuth guards', and those of the optional parts present (Mailbox, src/template/optional/questions/).
export { RateLimiter } from "./auth/guards/rate-limiter.js";
export { RefreshGuard } from "./auth/guards/refresh-guard.js";
export * from "./optional/durable-objects.gen.js";

const app = createApp();
// The OAuth side (the provider, its guards, the tools' scopes, whose Zod schemas are built when
// their modules are evaluated) is imported on the first request that needs it, not at startup
// (docs/performance.md, "Where startup goes"); with MCP_AUTH=none it is never loaded.
const gateway = memo(async () => (await import("./auth/gateway.js")).oauthGateway(app));

/**
 * The Worker. MCP_AUTH=none serves the app as is; MCP_AUTH=oauth puts the OAuth provider in
 * front of it (src/template/auth/gateway.ts), which checks the token on /mcp and hands the request on.
 * Both see a path spelled one way (src/template/http/normalize-path.ts). From here a call to a tool goes
 * down, never back up: src/template/http/app.ts (routes and checks) -> src/template/http/mcp.ts ->
 * src/template/mcp/endpoint.ts (either protocol era) -> src/template/mcp/server.ts -> src/server/tools/<name>.ts.
 */
export default {
  async fetch(request, env, ctx): Promise<Response> {
    let config: Config;
    try {
      config = getConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) {
        // The log names the setting; the client learns only that the server is misconfigured
        // (the message could quote a value, and values are the operator's business).
        console.error(error.message);
        return Response.json(
          {
            error: "server_misconfigured",
            message: "This server is misconfigured; its operator can see why in its logs.",
          },
          { status: 500, headers: { "Cache-Control": "no-store" } },
        );
      }
      throw error;
    }
    const normalized = normalizePath(request);
    if (config.auth === "oauth") return (await gateway())(normalized, env, ctx, config);
    return app.fetch(normalized, env, ctx);
  },
} satisfies ExportedHandler<Env>;
