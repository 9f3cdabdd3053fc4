import type { AuthInfo } from "@modelcontextprotocol/server";
import type { Context } from "hono";
import { serveMcp } from "../mcp/endpoint.js";
import type { AppEnv, GrantProps } from "./types.js";

/** What the OAuth provider adds to the execution context of an authenticated request. */
type AuthenticatedContext = ExecutionContext<Partial<GrantProps>> & {
  auth?: { token: string; scope: string[]; expiresAt?: number; clientId?: string };
};

/**
 * POST /mcp, either protocol era (src/mcp/endpoint.ts). The middleware before it has already
 * checked the origin, media type, size, JSON, session settings and scopes, and parsed the body.
 */
export async function handleMcp(c: Context<AppEnv>): Promise<Response> {
  const execution = c.executionCtx as AuthenticatedContext;
  return serveMcp({
    request: c.req.raw,
    parsedBody: c.var.rpc,
    responseMode: c.var.responseMode,
    authInfo: toAuthInfo(execution.auth),
    context: {
      env: c.env,
      auth: c.var.config.auth,
      user: execution.props?.user,
      scopes: execution.auth?.scope ?? [],
      session: c.var.session,
    },
  });
}

/** The provider's verified token, in the shape the SDK hands to handlers (`ctx.mcp.http.authInfo`). */
function toAuthInfo(auth: AuthenticatedContext["auth"]): AuthInfo | undefined {
  if (!auth) return undefined;
  return {
    token: auth.token,
    clientId: auth.clientId ?? "",
    scopes: auth.scope,
    ...(auth.expiresAt !== undefined && { expiresAt: auth.expiresAt }),
  };
}
