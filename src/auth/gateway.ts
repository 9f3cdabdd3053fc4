import { SERVER_CARD_PATHS } from "../card/route.js";
import type { Config } from "../config.js";
import { canonicalOrigin } from "../http/origin-url.js";
import { lazy } from "../lazy.js";
import { isLoopback } from "../loopback.js";
import { prefersHtml } from "../negotiate.js";
import { MCP_PATH, oauthProvider } from "./provider.js";

type Fetch = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

const PRM_ROOT = "/.well-known/oauth-protected-resource";
const publicPaths: ReadonlySet<string> = new Set(SERVER_CARD_PATHS);
// Pages load on first use, as in the app (docs/performance.md).
const pages = lazy(() => import("./pages.js"));

/**
 * MCP_AUTH=oauth: the OAuth provider in front of the app. It serves discovery, token and
 * registration itself, answers /mcp without a valid token with 401 + `WWW-Authenticate`, and hands
 * everything else to the app (landing page, card, consent page).
 */
export function oauthGateway(app: {
  fetch: Fetch;
}): (request: Request, env: Env, ctx: ExecutionContext, config: Config) => Promise<Response> {
  const handler = { fetch: (request: Request, env: Env, ctx: ExecutionContext) => app.fetch(request, env, ctx) };

  return async (request, env, ctx, config) => {
    const url = new URL(request.url);
    // The server card is public: /mcp/server-card would otherwise fall under the provider's /mcp.
    if (publicPaths.has(url.pathname)) return app.fetch(request, env, ctx);

    const origin = canonicalOrigin(request, config);
    if (!config.publicUrl && url.protocol === "http:" && !isLoopback(url.hostname)) {
      // An OAuth resource and issuer must be https (http only on loopback, for wrangler dev).
      const https = `https://${url.host}${url.pathname}`;
      if (prefersHtml(request.headers.get("Accept"))) {
        return (await pages()).message(
          400,
          {
            title: "This server needs https",
            message: "It signs people in with OAuth, which works over https only. Open this address instead:",
            code: https,
            hint: "If a proxy in front of it serves https, the server's owner sets PUBLIC_URL to that origin.",
          },
          new Headers({ Vary: "Accept" }),
        );
      }
      return Response.json(
        { error: "https_required", message: `OAuth needs https: use ${https}, or set PUBLIC_URL.` },
        { status: 400, headers: { Vary: "Accept" } },
      );
    }
    // Behind a proxy, or on workers.dev next to a custom domain, PUBLIC_URL names the one origin
    // tokens are issued for; the provider checks audiences against the URL it sees.
    if (origin !== url.origin) request = new Request(`${origin}${url.pathname}${url.search}`, request);

    let provider: ReturnType<typeof oauthProvider>;
    try {
      provider = oauthProvider(config, origin, handler);
    } catch (error) {
      // The provider refuses a resource URL it cannot use (an odd Host): say so, not a 500.
      if (!(error instanceof TypeError)) throw error;
      return Response.json(
        { error: "invalid_origin", message: `OAuth cannot be served at ${origin}; set PUBLIC_URL.` },
        { status: 400 },
      );
    }
    // Clients that probe the root document first get the same one as the path-aware URL.
    if (url.pathname === PRM_ROOT) {
      request = new Request(`${origin}${PRM_ROOT}${MCP_PATH}`, request);
    }
    return provider.fetch(request, env, ctx);
  };
}
