import type { MiddlewareHandler } from "hono";
import { isAllowedOrigin } from "../../origin.js";
import type { AppEnv } from "../../types.js";
import { jsonRpcError } from "../json-rpc-error.js";

/**
 * Browser-origin check for /mcp (MCP transport security; DNS-rebinding protection): a request
 * without `Origin` (server-to-server clients, Smithery's scanner, CLI tools) passes; one from an
 * origin the rule in src/template/origin.ts does not allow gets 403 with a JSON-RPC error.
 */
export const originGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("Origin");
  if (origin !== undefined && !isAllowedOrigin(origin, new URL(c.req.url), c.get("config"))) {
    return jsonRpcError(403, -32000, `Forbidden: requests from origin ${origin} are not allowed`);
  }
  await next();
};
