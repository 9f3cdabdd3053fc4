import { clientAddress } from "../client-address.js";
import type { Config } from "../config.js";
import { isLoopback } from "../loopback.js";
import { memo } from "../memo.js";
import { prefersHtml } from "../negotiate.js";
import { canonicalOrigin, isAllowedOrigin } from "../origin.js";
import { ROUTES, SERVER_CARD_PATHS } from "../routes.js";
import { API_KEY } from "./api-keys.js";
import { asOnePageView } from "./guards/cimd-fetch.js";
import { type Action, LimiterUnavailable, refusalMessage, take } from "./guards/limits.js";
import type { Answer, TokenCall } from "./guards/refresh-rotation.js";
import { readRegistration } from "./guards/registration.js";
import { ISSUED_TOKEN } from "./guards/shapes.js";
import { readTokenRequest } from "./guards/token-request.js";
import { oauthProvider } from "./provider.js";

type Fetch = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;
type Handler = { fetch: Fetch };
type Provider = ReturnType<typeof oauthProvider>;

const publicPaths: ReadonlySet<string> = new Set(SERVER_CARD_PATHS);
// Pages load on first use, as in the app (docs/performance.md).
const pages = memo(() => import("./pages.js"));

/**
 * MCP_AUTH=oauth: the OAuth provider in front of the app. It serves discovery, token and
 * registration itself, answers /mcp without a valid token with 401 + `WWW-Authenticate`, and hands
 * everything else to the app (landing page, card, consent page).
 *
 * In front of the provider, what it would otherwise take from clients unchecked: rate limits per
 * client address and network on the anonymous endpoints (./guards/limits.ts), bounded bodies and parameters of the shapes this
 * server issues (so no client string becomes an over-long KV key), code exchanges and refreshes
 * serialised per grant with reuse detection (./guards/refresh-guard.ts), and a last catch so that
 * nothing the provider throws reaches a client as a stack trace or a runtime's error text.
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

    let provider: Provider;
    try {
      provider = oauthProvider(config, origin, handler);
    } catch (error) {
      // The provider refuses a resource URL it cannot use (an odd Host): say so, not a 500.
      if (!(error instanceof TypeError)) throw error;
      return Response.json(
        { error: "invalid_origin", message: "OAuth cannot be served at this address; set PUBLIC_URL." },
        { status: 400 },
      );
    }
    // Clients that probe the root document first get the same one as the path-aware URL.
    if (url.pathname === ROUTES.protectedResourceRoot) {
      request = new Request(`${origin}${ROUTES.protectedResourceRoot}${ROUTES.mcp}`, request);
    }

    try {
      const r = { provider, origin, config, app: handler };
      // The app's own answers (/mcp's JSON-RPC errors) say nothing internal already, and /mcp never
      // looks up a client, so the hot path skips the page-view scope of the CIMD fetch guard.
      if (isMcp(url.pathname)) return await route(request, env, ctx, r);
      return cleaned(await asOnePageView(() => route(request, env, ctx, r)));
    } catch (error) {
      if (error instanceof LimiterUnavailable) {
        return Response.json(
          { error: "temporarily_unavailable", error_description: "Try again in a minute." },
          { status: 503, headers: { "Retry-After": "60", "Cache-Control": "no-store" } },
        );
      }
      console.error("oauth gateway: unhandled error on", request.method, new URL(request.url).pathname, error);
      return serverError();
    }
  };
}

interface Route {
  provider: Provider;
  origin: string;
  config: Config;
  /** The app behind the provider, for the pages it renders. */
  app: Handler;
}

async function route(request: Request, env: Env, ctx: ExecutionContext, r: Route): Promise<Response> {
  const path = new URL(request.url).pathname;
  const post = request.method === "POST";
  if (path === ROUTES.token && post)
    return (await limited(request, env, r, "token")) ?? tokenEndpoint(request, env, ctx, r);
  if (path === ROUTES.register && post) {
    const registration = await readRegistration(request);
    if (!registration.ok) return registration.response;
    // Counted once it is known to be storable: the budget is in KV writes (./guards/limits.ts).
    // Not on a loopback origin: that is `wrangler dev`, whose KV is a file on the developer's
    // disk, and a developer who signs in with client after client must never be locked out.
    if (!isLoopback(new URL(r.origin).hostname)) {
      const refused = await limited(request, env, r, "register");
      if (refused) return refused;
    }
    return r.provider.fetch(new Request(request, { body: registration.body }), env, ctx);
  }
  if (path === ROUTES.authorize || path === ROUTES.callback) {
    return (await limited(request, env, r, "authorize")) ?? r.provider.fetch(request, env, ctx);
  }
  if (isMcp(path)) {
    const response = withoutCorsForDisallowedOrigin(
      await r.provider.fetch(boundedBearer(request), env, ctx),
      request,
      r.config,
    );
    if (response.status === 401 && path === ROUTES.mcp && request.method === "GET") {
      if (prefersHtml(request.headers.get("Accept"))) return browserPage(response, request, env, ctx, r.app);
    }
    return response;
  }
  return r.provider.fetch(request, env, ctx);
}

function isMcp(path: string): boolean {
  return path === ROUTES.mcp || path.startsWith(`${ROUTES.mcp}/`);
}

async function limited(request: Request, env: Env, r: Route, action: Action): Promise<Response | undefined> {
  const verdict = await take(env, { address: clientAddress(request), origin: r.origin }, action);
  if (verdict.ok) return undefined;
  return Response.json(
    { error: "slow_down", error_description: refusalMessage(action, verdict) },
    { status: 429, headers: { "Retry-After": String(verdict.retryAfter), "Cache-Control": "no-store" } },
  );
}

/** Code exchanges and refreshes go through their grant's RefreshGuard; the rest to the provider. */
async function tokenEndpoint(request: Request, env: Env, ctx: ExecutionContext, r: Route): Promise<Response> {
  const read = await readTokenRequest(request);
  if (!read.ok) return read.response;
  const grantType = read.params.get("grant_type");
  const presented =
    grantType === "refresh_token"
      ? read.params.get("refresh_token")
      : grantType === "authorization_code"
        ? read.params.get("code")
        : null;
  if (!presented) return r.provider.fetch(new Request(request, { body: read.body }), env, ctx);
  const [userId, grantId] = presented.split(":");
  const guard = env.REFRESH_GUARD.get(env.REFRESH_GUARD.idFromName(`${userId}:${grantId}`));
  const call: TokenCall = {
    origin: r.origin,
    url: request.url,
    headers: [...request.headers],
    body: read.body,
    presented,
  };
  const answer = (await guard.exchange(call)) as Answer;
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * A browser that opens /mcp without a token: the provider's 401, with its `WWW-Authenticate`
 * (discovery starts from `resource_metadata`) and CORS headers as they are, and for its body the
 * app's page saying this is an MCP endpoint and how to connect (src/template/http/app.ts).
 */
async function browserPage(
  refused: Response,
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  app: Handler,
): Promise<Response> {
  await refused.body?.cancel();
  const page = await app.fetch(new Request(request.url, { headers: { Accept: "text/html" } }), env, ctx);
  const headers = new Headers(page.headers);
  headers.delete("Allow");
  for (const [name, value] of refused.headers) {
    if (name === "www-authenticate" || name.startsWith("access-control-")) headers.set(name, value);
  }
  return new Response(page.body, { status: 401, headers });
}

/**
 * A bearer token that cannot be one this server issued, nor an API key (./api-keys.ts), is
 * swapped for one the provider refuses before it looks anything up, so its own 401 (with the
 * `WWW-Authenticate` discovery header) answers, and a 600-character token never becomes a KV key.
 */
function boundedBearer(request: Request): Request {
  const header = request.headers.get("Authorization");
  if (!header) return request;
  const token = /^Bearer[\t ]+(\S+)$/i.exec(header)?.[1];
  if (token === undefined || ISSUED_TOKEN.test(token) || API_KEY.test(token)) return request;
  const headers = new Headers(request.headers);
  headers.set("Authorization", "Bearer invalid");
  return new Request(request, { headers });
}

/**
 * The provider reflects any `Origin` on /mcp. With cookies out of the picture that is not a
 * credential leak, but the app's rule (src/template/origin.ts) is the server's policy:
 * an origin it does not allow gets no CORS headers, so its scripts cannot read the answers.
 */
function withoutCorsForDisallowedOrigin(response: Response, request: Request, config: Config): Response {
  const origin = request.headers.get("Origin");
  if (!origin || !response.headers.has("Access-Control-Allow-Origin")) return response;
  if (isAllowedOrigin(origin, new URL(request.url), config)) return response;
  const stripped = new Response(response.body, response);
  for (const name of [...stripped.headers.keys()]) {
    if (name.startsWith("access-control-")) stripped.headers.delete(name);
  }
  return stripped;
}

/** Server-side failures as clean JSON: no stack, no path, no runtime reference text. */
function cleaned(response: Response): Response {
  if (response.status < 500 || response.status === 503) return response;
  const type = response.headers.get("Content-Type") ?? "";
  if (type.startsWith("text/html")) return response; // the app's own pages say nothing internal
  return serverError(response.status);
}

function serverError(status = 500): Response {
  return Response.json(
    { error: "server_error", error_description: "Something went wrong on the server; try again later." },
    { status, headers: { "Cache-Control": "no-store" } },
  );
}
