import { type Context, Hono, type MiddlewareHandler } from "hono";
import { AUTHORIZE_PATH, CALLBACK_PATH } from "../auth/provider.js";
import { MCP_SERVER_CARD_PATHS, SMITHERY_CARD_PATH, serveMcpServerCard, serveSmitheryCard } from "../card/route.js";
import { getConfig } from "../config.js";
import { lazy } from "../lazy.js";
import { jsonRpcError } from "./json-rpc-error.js";
import { mcpCors } from "./middleware/cors.js";
import { jsonRpcBody } from "./middleware/json-rpc-body.js";
import { originGuard } from "./middleware/origin.js";
import { toolScope } from "./middleware/tool-scope.js";
import type { AppEnv } from "./types.js";

const landing = lazy(() => import("./landing.js"));
const consent = lazy(() => import("../auth/consent.js"));
const mcp = lazy(() => import("./mcp.js"));
const sessionModule = lazy(() => import("./middleware/session-config.js"));

/**
 * Every route of the Worker. With MCP_AUTH=oauth the OAuth provider sits in front: it serves the
 * OAuth endpoints itself, checks the token on /mcp, then hands the request here.
 */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set("config", getConfig(c.env));
    await next();
  });

  // The pages and the MCP handler are imported on first use: a new isolate evaluates only the code
  // its requests need (the MCP SDK alone builds hundreds of Zod schemas when loaded), and the OAuth
  // flow, discovery and the cached card never load the SDK. See docs/performance.md.
  app.get("/", async (c) => (await landing()).serveLanding(c));
  app.get(SMITHERY_CARD_PATH, serveSmitheryCard);
  for (const path of MCP_SERVER_CARD_PATHS) app.get(path, serveMcpServerCard);

  // The consent page and upstream callback (MCP_AUTH=oauth; the provider serves the rest of OAuth).
  app.use(AUTHORIZE_PATH, oauthOnly);
  app.use(CALLBACK_PATH, oauthOnly);
  app.get(AUTHORIZE_PATH, async (c) => (await consent()).showConsent(c));
  app.post(AUTHORIZE_PATH, async (c) => (await consent()).answerConsent(c));
  app.get(CALLBACK_PATH, async (c) => (await consent()).upstreamCallback(c));
  app.all(AUTHORIZE_PATH, (c) => methodNotAllowed(c, "GET, POST"));
  app.all(CALLBACK_PATH, (c) => methodNotAllowed(c, "GET"));

  app.use("/mcp", mcpCors);
  app.post("/mcp", originGuard, sessionConfig, jsonRpcBody, toolScope, async (c) => (await mcp()).handleMcp(c));
  // Stateless server: no standalone SSE stream to GET, no session to DELETE.
  app.on(["GET", "DELETE"], "/mcp", () =>
    jsonRpcError(405, -32000, "Method Not Allowed: this server is stateless; POST JSON-RPC messages to /mcp", {
      Allow: "POST, OPTIONS",
    }),
  );
  app.all("/mcp", () => jsonRpcError(405, -32000, "Method Not Allowed", { Allow: "POST, OPTIONS" }));

  app.notFound((c) => c.json({ error: "not_found", message: `Nothing at ${c.req.path}` }, 404));
  app.onError((error, c) => {
    console.error("Unhandled error", c.req.method, c.req.path, error);
    if (c.req.path === "/mcp") return jsonRpcError(500, -32603, "Internal error");
    return c.json({ error: "internal_error", message: "Something went wrong on our side." }, 500);
  });

  return app;
}

function methodNotAllowed(c: Context<AppEnv>, allow: string): Response {
  return c.json({ error: "method_not_allowed", message: `${c.req.path} takes ${allow}` }, 405, { Allow: allow });
}

const oauthOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.config.auth !== "oauth") return c.notFound();
  await next();
};

// Loaded on the first request to /mcp: reading session settings builds their JSON Schema, which the
// OAuth flow and the pages never need (see the note on lazy imports above).
const sessionConfig: MiddlewareHandler<AppEnv> = async (c, next) => (await sessionModule()).sessionConfig(c, next);
