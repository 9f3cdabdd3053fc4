import type { AuthInfo } from "@modelcontextprotocol/server";
import type { Context } from "hono";
import { type Caller, callerKey } from "../caller.js";
import { clientAddress } from "../client-address.js";
import type { AnyTool } from "../mcp/define.js";
import { serveMcp } from "../mcp/endpoint.js";
import { isLegacy } from "../mcp/era.js";
import { isObject } from "../mcp/message.js";
import { knownName, toolNamed } from "../mcp/server.js";
import { logOf } from "../observe/request-log.js";
import { inMcpSpan } from "../observe/span.js";
import { logUserId } from "../observe/user-id.js";
import type { AppEnv, GrantProps } from "../types.js";
import { overLimit } from "./caller-limits.js";
import { acceptsEventStream, MAX_BATCH_MESSAGES } from "./middleware/json-rpc-body.js";

/** What the OAuth provider adds to the execution context of an authenticated request. */
type AuthenticatedContext = ExecutionContext<Partial<GrantProps>> & {
  auth?: { token: string; audience: string; scope: string[]; expiresAt?: number; clientId?: string };
};

/**
 * POST /mcp, either protocol era (src/template/mcp/endpoint.ts). The middleware before it has already
 * checked the origin, media type, size, JSON and session settings, and parsed the body; here the
 * caller is counted against its limits (./caller-limits.ts) and named in the request's log line;
 * the SDK checks tools' scopes (src/template/mcp/server.ts).
 */
export async function handleMcp(c: Context<AppEnv>): Promise<Response> {
  const execution = c.executionCtx as AuthenticatedContext;
  const config = c.get("config");
  const rpc = c.get("parsedBody");
  const props = execution.props;
  const caller = callerOf(c.req.raw, config.auth, execution);
  const log = logOf(execution);
  if (log) {
    log.describe(rpc, knownName, config.log.argumentChars);
    const user = props?.user && logUserId(props.user, config.log.userSecret, c.get("origin"));
    log.identify(caller.auth, clientOf(caller), user);
  }

  const messages = Array.isArray(rpc) ? rpc : [rpc];
  const refused =
    config.rateLimits === "on" && (await overLimit(c.env, await callerKey(caller), messages, limitedCalls(messages)));
  if (refused) {
    if (log) {
      log.era = (await isLegacy(c.req.raw, rpc)) ? "legacy" : "modern";
      if (refused.by) log.limited(refused.by);
    }
    return refused.response;
  }

  const serve = () =>
    serveMcp({
      request: c.req.raw,
      parsedBody: rpc,
      responseMode: c.get("responseMode"),
      acceptsStream: acceptsEventStream(c.req.header("Accept")),
      authInfo: toAuthInfo(execution.auth, props),
      context: {
        env: c.env,
        auth: config.auth,
        user: props?.user,
        scopes: props?.apiKey?.scopes ?? execution.auth?.scope ?? [],
        session: c.get("session"),
      },
      log,
    });
  return log ? inMcpSpan(execution, log, serve) : serve();
}

/** Who is calling (src/template/caller.ts): the token's user and client, the key's user, or the address. */
function callerOf(request: Request, auth: "oauth" | "none", execution: AuthenticatedContext): Caller {
  const { props } = execution;
  if (auth === "oauth" && props?.user) {
    if (props.apiKey) return { auth: "key", user: props.user, keyId: props.apiKey.id };
    return { auth: "oauth", user: props.user, clientId: execution.auth?.clientId ?? "" };
  }
  // The narrowest prefix the OAuth guards count: the address itself, an IPv6 client's /64.
  return { auth: "none", address: clientAddress(request).tiers[0]!.key };
}

function clientOf(caller: Caller): string | undefined {
  if (caller.auth === "key") return `key:${caller.keyId}`;
  return caller.auth === "oauth" ? caller.clientId || undefined : undefined;
}

/** The calls in a request of tools that declare a `rateLimit` of their own, one per call. */
function limitedCalls(messages: readonly unknown[]): AnyTool[] {
  const calls: AnyTool[] = [];
  for (let i = 0; i < messages.length && i < MAX_BATCH_MESSAGES; i++) {
    const message = messages[i];
    if (!isObject(message) || message.method !== "tools/call" || !isObject(message.params)) continue;
    const { name } = message.params;
    const tool = typeof name === "string" ? toolNamed(name) : undefined;
    if (tool?.rateLimit) calls.push(tool);
  }
  return calls;
}

/** The provider's verified token (or API key), in the shape the SDK hands to handlers (`ctx.mcp.http.authInfo`). */
function toAuthInfo(auth: AuthenticatedContext["auth"], props: Partial<GrantProps> | undefined): AuthInfo | undefined {
  if (!auth) return undefined;
  const { user, apiKey } = props ?? {};
  return {
    token: auth.token,
    clientId: apiKey ? `key:${apiKey.id}` : (auth.clientId ?? ""),
    // An API key's scopes travel in its props: the provider knows only its own tokens' scopes.
    scopes: apiKey ? [...apiKey.scopes] : auth.scope,
    // The resource the token is for: the SDK's scope challenge derives `resource_metadata` from it.
    resource: new URL(auth.audience),
    // Who signed in, for what binds to the caller in the SDK's own context (src/template/mcp/request-state.ts).
    ...(user && { extra: { user: `${user.provider}:${user.id}` } }),
    ...(auth.expiresAt !== undefined && { expiresAt: auth.expiresAt }),
  };
}
