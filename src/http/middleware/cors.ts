import type { MiddlewareHandler } from "hono";
import { lazy } from "../../lazy.js";
import type { AppEnv } from "../types.js";
import { isAllowedOrigin } from "./origin.js";

// Session settings sent as headers (src/session/schema.ts) are listed too, or browsers drop them.
// The session reader is loaded on the first preflight, not at startup (docs/performance.md).
const allowHeaders = lazy(async () => {
  const { readSession } = await import("../../session/read.js");
  return [
    // Mcp-Method and Mcp-Name: the 2026-07-28 standard headers every modern request carries.
    "Content-Type, Accept, Authorization, Mcp-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Session-Id, Last-Event-ID",
    ...readSession.headers,
  ].join(", ");
});
const EXPOSE_HEADERS = "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate";

/**
 * CORS for /mcp, for the origins `originGuard` accepts: browser clients (the MCP Inspector, web
 * apps) can call the server and read the MCP headers. Other origins get no CORS headers, so the
 * browser keeps their scripts out.
 */
export const mcpCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("Origin");
  const allowed = origin !== undefined && isAllowedOrigin(origin, new URL(c.req.url), c.var.config);
  if (c.req.method === "OPTIONS") {
    const headers = new Headers({ Allow: "POST, OPTIONS", Vary: "Origin" });
    if (allowed) {
      headers.set("Access-Control-Allow-Origin", origin);
      // GET and DELETE too, though they answer 405: a browser client (the SDK's opens a GET
      // stream after initialize) then reads the 405 instead of failing with a CORS error.
      headers.set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
      headers.set("Access-Control-Allow-Headers", await allowHeaders());
      headers.set("Access-Control-Max-Age", "86400");
    }
    return new Response(null, { status: 204, headers });
  }
  await next();
  if (allowed) {
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    c.res.headers.append("Vary", "Origin");
  }
};
