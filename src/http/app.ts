import { Hono } from "hono";
import { SERVER_CARD_PATHS, serveServerCard } from "../card/route.js";
import { getConfig } from "../config.js";
import { jsonRpcError } from "./json-rpc-error.js";
import { serveLanding } from "./landing.js";
import { handleMcp } from "./mcp.js";
import { mcpCors } from "./middleware/cors.js";
import { jsonRpcBody } from "./middleware/json-rpc-body.js";
import { originGuard } from "./middleware/origin.js";
import { sessionConfig } from "./middleware/session-config.js";
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

  app.use("/mcp", mcpCors);
  app.post("/mcp", originGuard, sessionConfig, jsonRpcBody, handleMcp);
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
