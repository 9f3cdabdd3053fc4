import { Hono, type MiddlewareHandler } from "hono";
import { answerConsent, showConsent, upstreamCallback } from "../auth/consent.js";
import { AUTHORIZE_PATH, CALLBACK_PATH } from "../auth/provider.js";
import { SERVER_CARD_PATHS, serveServerCard } from "../card/route.js";
import { getConfig } from "../config.js";
import { jsonRpcError } from "./json-rpc-error.js";
import { serveLanding } from "./landing.js";
import { handleMcp } from "./mcp.js";
import { mcpCors } from "./middleware/cors.js";
import { jsonRpcBody } from "./middleware/json-rpc-body.js";
import { originGuard } from "./middleware/origin.js";
import { sessionConfig } from "./middleware/session-config.js";
import { toolScope } from "./middleware/tool-scope.js";
import type { AppEnv } from "./types.js";

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

  app.get("/", serveLanding);
  for (const path of SERVER_CARD_PATHS) app.get(path, serveServerCard);

  // The consent page and upstream callback (MCP_AUTH=oauth; the provider serves the rest of OAuth).
  app.use(AUTHORIZE_PATH, oauthOnly);
  app.use(CALLBACK_PATH, oauthOnly);
  app.get(AUTHORIZE_PATH, showConsent);
  app.post(AUTHORIZE_PATH, answerConsent);
  app.get(CALLBACK_PATH, upstreamCallback);

  app.use("/mcp", mcpCors);
  app.post("/mcp", originGuard, sessionConfig, jsonRpcBody, toolScope, handleMcp);
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

const oauthOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.config.auth !== "oauth") return c.notFound();
  await next();
};
