import {
  type AuthInfo,
  createMcpHandler,
  isLegacyRequest,
  type McpRequestContext,
  ProtocolError,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import type { Context } from "hono";
import { appsSessionId, initializeDeclaringApps, rendersApps } from "../mcp/apps-negotiation.js";
import { createMcpServer, type McpRequest } from "../mcp/server.js";
import type { AppEnv, GrantProps } from "./types.js";

/** What the OAuth provider adds to the execution context of an authenticated request. */
type AuthenticatedContext = ExecutionContext<Partial<GrantProps>> & {
  auth?: { token: string; scope: string[]; expiresAt?: number; clientId?: string };
};

/**
 * Each request's context, found by the factory the SDK calls with that request (`requestInfo`).
 * A WeakMap keeps the handlers below built once per isolate: nothing per request is captured.
 */
const requests = new WeakMap<Request, McpRequest>();

function factory({ era, requestInfo }: McpRequestContext) {
  const request = requestInfo && requests.get(requestInfo);
  if (!request) throw new Error("MCP request without its context: call handleMcp, not the SDK handler");
  return createMcpServer(request, era);
}

/**
 * The SDK reports here what it refused and what failed. A refusal (a client's mistake, already
 * answered with a JSON-RPC error) is not logged; a failure is, bounded: its message can quote
 * client-chosen text.
 */
function onerror(error: Error): void {
  if (error instanceof ProtocolError || error.message.startsWith("Rejected ")) return;
  console.error("MCP:", error.message.slice(0, 300));
}

/**
 * 2026-07-28 requests (those with a per-request `_meta` envelope): the SDK's entry does the whole
 * protocol — `server/discover`, envelope and header validation (-32020), unsupported revisions
 * (-32022), `resultType`, cache hints, `serverInfo` in `_meta`. Built once per isolate; `sse` for
 * a client that accepts only an event stream, `auto` (one JSON body unless a handler streams,
 * e.g. progress) otherwise. 2025-era requests never reach these: see `serveLegacy`.
 */
const modern = {
  auto: createMcpHandler(factory, { legacy: "reject", onerror }),
  sse: createMcpHandler(factory, { legacy: "reject", onerror, responseMode: "sse" }),
};

/**
 * POST /mcp, either era, chosen per request by the SDK's own classifier (`isLegacyRequest`, the
 * code `createMcpHandler` routes with). The middleware before it has already checked the origin,
 * media type, size, JSON and session settings, and parsed the body once: the SDK takes it as
 * `parsedBody` and never reads the request again.
 */
export async function handleMcp(c: Context<AppEnv>): Promise<Response> {
  const execution = c.executionCtx as AuthenticatedContext;
  const raw = c.req.raw;
  const parsedBody = c.var.rpc;
  const legacy = await isLegacyRequest(raw, parsedBody);
  requests.set(raw, {
    env: c.env,
    auth: c.var.config.auth,
    user: execution.props?.user,
    scopes: execution.auth?.scope ?? [],
    session: c.var.session,
    apps: rendersApps(parsedBody, legacy ? "legacy" : "modern", raw.headers.get("Mcp-Session-Id")),
  });
  const authInfo = toAuthInfo(execution.auth);
  if (legacy) return serveLegacy(raw, parsedBody, authInfo, c.var.responseMode);
  return modern[c.var.responseMode === "sse" ? "sse" : "auto"].fetch(raw, { parsedBody, authInfo });
}

/**
 * The 2025 era (2025-11-25, 2025-06-18, 2025-03-26), stateless: a fresh server and Streamable HTTP
 * transport per request, `initialize` answered like any other request. The SDK's own stateless
 * leg (`legacy: 'stateless'`) always answers with an event stream; this one answers with one JSON
 * body when the client takes it, as the 1.x template did — no stream to hold open.
 */
async function serveLegacy(
  request: Request,
  parsedBody: unknown,
  authInfo: AuthInfo | undefined,
  mode: "json" | "sse",
): Promise<Response> {
  const server = factory({ era: "legacy", requestInfo: request });
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: mode === "json" });
  await server.connect(transport);
  const response = await transport.handleRequest(forSdk(request), { parsedBody, authInfo });
  // A client that declared MCP Apps at initialize: the session id it will send back remembers it
  // (src/mcp/apps-negotiation.ts). Nothing is stored; any other client gets no session id.
  if (response.ok && initializeDeclaringApps(parsedBody)) response.headers.set("Mcp-Session-Id", appsSessionId());
  return response;
}

/** The provider's verified token, in the shape the SDK hands to handlers (`ctx.http.authInfo`). */
function toAuthInfo(auth: AuthenticatedContext["auth"]): AuthInfo | undefined {
  if (!auth) return undefined;
  return {
    token: auth.token,
    clientId: auth.clientId ?? "",
    scopes: auth.scope,
    ...(auth.expiresAt !== undefined && { expiresAt: auth.expiresAt }),
  };
}

/**
 * The SDK's 2025 transport insists on `Accept: application/json, text/event-stream` even though
 * the request was already negotiated (we accept either one, or none, as HTTP allows). Hand it a
 * request that says so; the body has been read, so only the headers travel.
 */
function forSdk(request: Request): Request {
  const accept = request.headers.get("Accept") ?? "";
  if (accept.includes("application/json") && accept.includes("text/event-stream")) return request;
  const headers = new Headers(request.headers);
  headers.set("Accept", "application/json, text/event-stream");
  return new Request(request.url, { method: request.method, headers });
}
