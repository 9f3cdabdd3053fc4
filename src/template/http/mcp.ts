import type { AuthInfo } from "@modelcontextprotocol/server";
import type { Context } from "hono";
import { serveMcp } from "../mcp/endpoint.js";
import type { AppEnv, GrantProps, User } from "../types.js";
import { acceptsEventStream } from "./middleware/json-rpc-body.js";

/** What the OAuth provider adds to the execution context of an authenticated request. */
type AuthenticatedContext = ExecutionContext<Partial<GrantProps>> & {
  auth?: { token: string; audience: string; scope: string[]; expiresAt?: number; clientId?: string };
};

/**
 * POST /mcp, either protocol era (src/template/mcp/endpoint.ts). The middleware before it has already
 * checked the origin, media type, size, JSON and session settings, and parsed the body; the SDK
 * checks tools' scopes (src/template/mcp/server.ts).
 */
export async function handleMcp(c: Context<AppEnv>): Promise<Response> {
  const execution = c.executionCtx as AuthenticatedContext;
  return serveMcp({
    request: c.req.raw,
    parsedBody: c.get("parsedBody"),
    responseMode: c.get("responseMode"),
    acceptsStream: acceptsEventStream(c.req.header("Accept")),
    authInfo: toAuthInfo(execution.auth, execution.props?.user),
    context: {
      env: c.env,
      auth: c.get("config").auth,
      user: execution.props?.user,
      scopes: execution.auth?.scope ?? [],
      session: c.get("session"),
    },
  });
}

/** The provider's verified token, in the shape the SDK hands to handlers (`ctx.mcp.http.authInfo`). */
function toAuthInfo(auth: AuthenticatedContext["auth"], user: User | undefined): AuthInfo | undefined {
  if (!auth) return undefined;
  return {
    token: auth.token,
    clientId: auth.clientId ?? "",
    scopes: auth.scope,
    // The resource the token is for: the SDK's scope challenge derives `resource_metadata` from it.
    resource: new URL(auth.audience),
    // Who signed in, for what binds to the caller in the SDK's own context (src/template/mcp/request-state.ts).
    ...(user && { extra: { user: `${user.provider}:${user.id}` } }),
    ...(auth.expiresAt !== undefined && { expiresAt: auth.expiresAt }),
  };
}
