import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { memo } from "../../memo.js";
import { isAllowedOrigin } from "../../origin.js";
import type { AppEnv } from "../../types.js";

/** What /mcp takes: GET and DELETE answer 405 (stateless server), which `Allow` says. */
const ALLOW = "POST, OPTIONS";

/**
 * Hono's CORS for the origins src/template/origin.ts allows, built on the first request from a browser:
 * the session settings sent as headers (src/server/session.ts) are listed too, or browsers drop
 * them, and reading them loads the session reader, which startup should not (docs/performance.md).
 */
const allowedCors = memo(async () => {
  const { sessionHeaders } = await import("../../session/read.js");
  return cors({
    origin: (origin) => origin,
    // GET and DELETE too, though they answer 405: a browser client (the SDK's opens a GET stream
    // after initialize) then reads the 405 instead of failing with a CORS error.
    allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
    allowHeaders: [
      "Content-Type",
      "Accept",
      "Authorization",
      "Mcp-Protocol-Version",
      // The 2026-07-28 standard headers every modern request carries.
      "Mcp-Method",
      "Mcp-Name",
      "Mcp-Session-Id",
      "Last-Event-ID",
      ...(await sessionHeaders()),
    ],
    exposeHeaders: ["Mcp-Session-Id", "Mcp-Protocol-Version", "WWW-Authenticate", "Retry-After"],
    maxAge: 86400,
  });
});

/**
 * CORS for /mcp: browser clients (the MCP Inspector, web apps) from an allowed origin can call
 * the server and read the MCP headers. Other origins get no CORS header at all (Hono's middleware
 * would still list methods and headers), so the browser keeps their scripts out; their preflight
 * is answered, with nothing in it that lets them through.
 */
export const corsForAllowedOrigins: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("Origin");
  if (c.req.method === "OPTIONS") c.header("Allow", ALLOW);
  if (origin !== undefined && isAllowedOrigin(origin, new URL(c.req.url), c.get("config"))) {
    return (await allowedCors())(c, next);
  }
  if (c.req.method === "OPTIONS") return c.body(null, 204, { Vary: "Origin" });
  await next();
};
