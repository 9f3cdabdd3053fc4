import type { OAuthResourceAuth } from "@cloudflare/workers-oauth-provider";
import { insufficientScope } from "@cloudflare/workers-oauth-provider";
import type { MiddlewareHandler } from "hono";
import { scopeForTool } from "../../auth/scopes.js";
import { jsonRpcError } from "../json-rpc-error.js";
import type { AppEnv } from "../types.js";

/**
 * MCP_AUTH=oauth: a `tools/call` for a tool with a `requiredScope` the token lacks gets a 403
 * `insufficient_scope` challenge naming every scope needed (the token's baseline included), so
 * the client can step up in one round trip. Checked on the parsed body, before the SDK runs.
 */
export const toolScope: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.config.auth !== "oauth") return next();
  const auth = (c.executionCtx as { auth?: OAuthResourceAuth }).auth;
  // The provider only routes /mcp here with a valid token; refuse if that ever stops being true.
  if (!auth) return jsonRpcError(401, -32001, "Unauthorized: a bearer token is required");

  const missing = new Set<string>();
  for (const message of Array.isArray(c.var.rpc) ? c.var.rpc : [c.var.rpc]) {
    const scope = requiredScopeOf(message);
    if (scope && !auth.scope.includes(scope)) missing.add(scope);
  }
  if (missing.size === 0) return next();
  const needed = [...new Set([...c.var.config.oauth.scopes, ...auth.scope, ...missing])];
  return insufficientScope(auth, needed, `This call needs the ${[...missing].join(", ")} scope`);
};

function requiredScopeOf(message: unknown): string | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  if (method !== "tools/call" || typeof params?.name !== "string") return undefined;
  return scopeForTool(params.name);
}
