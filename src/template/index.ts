import { type Config, ConfigError, getConfig } from "./config.js";
import { health } from "./health.js";
import { createApp } from "./http/app.js";
import { normalizePath } from "./http/normalize-path.js";
import { memo } from "./memo.js";
import { openLog, type RequestLog } from "./observe/request-log.js";
import * as partClasses from "./optional/durable-objects.gen.js";
import { ROUTES } from "./routes.js";

// Durable Object classes (wrangler.toml [[durable_objects.bindings]]) are exported by the entry:
// the OAuth guards', and those of the optional parts present (Mailbox, src/template/optional/questions/).
export { RateLimiter } from "./auth/guards/rate-limiter.js";
export { RefreshGuard } from "./auth/guards/refresh-guard.js";
export * from "./optional/durable-objects.gen.js";

/**
 * The Durable Object bindings the optional parts present need, for GET /health: each part's class
 * is bound under its name in capitals (Mailbox → MAILBOX).
 */
const PART_BINDINGS = Object.keys(partClasses).map((name) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase());

const app = createApp();
// The OAuth side (the provider, its guards, the tools' scopes, whose Zod schemas are built when
// their modules are evaluated) is imported on the first request that needs it, not at startup
// (docs/performance.md, "Keeping a fork fast"); with MCP_AUTH=none it is never loaded.
const gateway = memo(async () => (await import("./auth/gateway.js")).oauthGateway(app));

/**
 * The Worker. MCP_AUTH=none serves the app as is; MCP_AUTH=oauth puts the OAuth provider in
 * front of it (src/template/auth/gateway.ts), which checks the token on /mcp and hands the request on.
 * Both see a path spelled one way (src/template/http/normalize-path.ts). From here a call to a tool goes
 * down, never back up: src/template/http/app.ts (routes and checks) -> src/template/http/mcp.ts ->
 * src/template/mcp/endpoint.ts (either protocol era) -> src/template/mcp/server.ts -> src/server/tools/<name>.ts.
 * GET /health answers here, before the settings are read, so that it can say which one is wrong;
 * every request to /mcp writes one log line (src/template/observe/request-log.ts), whoever answers it.
 */
export default {
  async fetch(request, env, ctx): Promise<Response> {
    const normalized = normalizePath(request);
    const path = pathOf(normalized.url);
    if (path === ROUTES.health) return health(normalized, env, PART_BINDINGS);
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
    // A CORS preflight is the browser asking, not an MCP request: no line.
    const log = path === ROUTES.mcp && request.method !== "OPTIONS" ? openLog(ctx, normalized, config.auth) : undefined;
    if (!log) return serve(normalized, env, ctx, config);
    return logged(log, normalized, serve(normalized, env, ctx, config));
  },
} satisfies ExportedHandler<Env>;

function serve(request: Request, env: Env, ctx: ExecutionContext, config: Config): Promise<Response> {
  if (config.auth === "oauth") return gateway().then((oauth) => oauth(request, env, ctx, config));
  return Promise.resolve(app.fetch(request, env, ctx));
}

/** The answer, once the request's log line has what it needs from it. */
async function logged(log: RequestLog, request: Request, answer: Promise<Response>): Promise<Response> {
  let response: Response;
  try {
    response = await answer;
  } catch (error) {
    await log.failed();
    throw error;
  }
  return log.finish(response, request);
}

/** The path of a URL, without parsing it whole (this runs on every request). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}
