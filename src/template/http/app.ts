import type { Context, MiddlewareHandler } from "hono";
import { HonoBase as Hono } from "hono/hono-base";
import { methodNotAllowed } from "hono/method-not-allowed";
import { TrieRouter } from "hono/router/trie-router";
import { secureHeaders } from "hono/secure-headers";
import { serveMcpServerCard, serveSmitheryCard } from "../card/route.js";
import { getConfig } from "../config.js";
import { memo } from "../memo.js";
import { prefersHtml } from "../negotiate.js";
import { canonicalOrigin } from "../origin.js";
import { ROUTES } from "../routes.js";
import type { AppEnv } from "../types.js";
import { jsonRpcError } from "./json-rpc-error.js";
import { corsForAllowedOrigins } from "./middleware/cors.js";
import { jsonRpcBody } from "./middleware/json-rpc-body.js";
import { originGuard } from "./middleware/origin.js";

// The pages and the MCP handler are imported on first use, not at startup. Evaluating the MCP SDK
// is about 30 ms of CPU (the bench's bare-SDK floor starts in that; this Worker in 5): at startup
// it would hide behind the TLS handshake, but every new isolate would pay it, including those that
// only serve the OAuth flow, discovery, the pages or the cached card, which never need it. The
// first /mcp request pays it once, and the build keeps the rest of that request small (the
// snapshot, src/template/snapshot.ts). See docs/performance.md.
const landing = memo(() => import("./landing.js"));
const consent = memo(() => import("../auth/consent.js"));
const mcp = memo(() => import("./mcp.js"));
const sessionModule = memo(() => import("./middleware/session-config.js"));

/**
 * Every route of the Worker, in the order a request meets them. With MCP_AUTH=oauth the OAuth
 * provider sits in front (src/template/auth/gateway.ts): it serves the OAuth endpoints itself, checks the
 * token on /mcp, then hands the request here. A call to a tool goes: POST /mcp -> the checks
 * below -> ./mcp.ts -> src/template/mcp/endpoint.ts -> src/template/mcp/server.ts -> the tool's file.
 */
export function createApp(): Hono<AppEnv> {
  // Hono with its trie router alone (the router method-not-allowed below uses anyway): the default
  // also bundles a RegExpRouter, which compiles every route into one expression on a new isolate's
  // first request. For a few routes a trie matches as fast, costs nothing to build and 2 KiB less.
  const app = new Hono<AppEnv>({ router: new TrieRouter() });

  // What every handler works with, decided once per request: the settings and this server's origin.
  app.use(async (c, next) => {
    const config = getConfig(c.env);
    c.set("config", config);
    c.set("origin", canonicalOrigin(c.req.raw, config));
    await next();
  });
  // Every answer: no sniffing, no framing, no referrer. Pages set their own Content-Security-Policy
  // (each allows its own style and script by hash, ./page.ts); everything else gets the strictest.
  app.use(
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
      xFrameOptions: "DENY",
      referrerPolicy: "no-referrer",
      xContentTypeOptions: true,
      // Nothing else changes what a browser does with these answers; kept off, as before.
      crossOriginResourcePolicy: false,
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      strictTransportSecurity: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
      // Nothing here sets X-Powered-By: no header to delete on every answer.
      removePoweredBy: false,
      overwrite: false,
    }),
  );

  app.get(ROUTES.landing, async (c) => (await landing()).serveLanding(c));
  app.get(ROUTES.smitheryCard, serveSmitheryCard);
  for (const path of ROUTES.mcpServerCards) app.get(path, serveMcpServerCard);

  // The consent page and upstream callback (MCP_AUTH=oauth; the provider serves the rest of OAuth).
  // Other methods get 405 with the ones these take (Hono's method-not-allowed).
  for (const path of [ROUTES.authorize, ROUTES.callback]) app.use(path, oauthOnly, oauthPageMethods(app));
  app.get(ROUTES.authorize, async (c) => (await consent()).showConsent(c));
  app.post(ROUTES.authorize, formLimit, async (c) => (await consent()).answerConsent(c));
  app.get(ROUTES.callback, async (c) => (await consent()).upstreamCallback(c));

  // POST /mcp: CORS, then the checks a client can fix, in order, then the MCP handler.
  app.use(ROUTES.mcp, corsForAllowedOrigins);
  app.post(ROUTES.mcp, originGuard, sessionConfig, jsonRpcBody, async (c) => (await mcp()).handleMcp(c));
  // Stateless server: no standalone SSE stream to GET, no session to DELETE. The protocol wants
  // these refusals as JSON-RPC errors, which is why /mcp answers other methods itself. A browser
  // that opens the URL gets the same 405 as a page saying what the address is for.
  app.on(["GET", "DELETE"], ROUTES.mcp, async (c) => {
    if (c.req.method === "GET" && prefersHtml(c.req.header("Accept"))) {
      const page = await (await landing()).serveMcpEndpointPage(c);
      page.headers.set("Allow", "POST, OPTIONS");
      return page;
    }
    return jsonRpcError(405, -32000, "Method Not Allowed: this server is stateless; POST JSON-RPC messages to /mcp", {
      Allow: "POST, OPTIONS",
      Vary: "Accept",
    });
  });
  app.all(ROUTES.mcp, () => jsonRpcError(405, -32000, "Method Not Allowed", { Allow: "POST, OPTIONS" }));

  // A browser gets a page; API clients keep the JSON (content negotiation on Accept).
  app.notFound(async (c) => {
    if (prefersHtml(c.req.header("Accept"))) return (await landing()).serveNotFound(c);
    return c.json({ error: "not_found", message: `Nothing at ${c.req.path}` }, 404, { Vary: "Accept" });
  });
  app.onError((error, c) => {
    console.error("Unhandled error", c.req.method, c.req.path, error);
    if (c.req.path === ROUTES.mcp) return jsonRpcError(500, -32603, "Internal error");
    return c.json({ error: "internal_error", message: "Something went wrong on our side." }, 500);
  });

  return app;
}

const oauthOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("config").auth !== "oauth") return c.notFound();
  await next();
};

/** 405 on the OAuth pages, as JSON, with `Allow` as Hono's method-not-allowed works it out. */
function oauthPageMethods(app: Hono<AppEnv>): MiddlewareHandler<AppEnv> {
  return methodNotAllowed({
    app,
    onMethodNotAllowed: (c: Context<AppEnv>, methods: string[]) => {
      const allow = methods.join(", ");
      return c.json({ error: "method_not_allowed", message: `${c.req.path} takes ${allow}` }, 405, { Allow: allow });
    },
  });
}

// The consent form's size is checked before it is read (Hono's body-limit), and the page that
// says so comes with the consent module, on first use.
const formLimit: MiddlewareHandler<AppEnv> = async (c, next) => (await consent()).formLimit(c, next);

// Loaded on the first request to /mcp: reading session settings builds their JSON Schema, which the
// OAuth flow and the pages never need (see the note on lazy imports above).
const sessionConfig: MiddlewareHandler<AppEnv> = async (c, next) => (await sessionModule()).sessionConfig(c, next);
