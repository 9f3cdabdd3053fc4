import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Context } from "hono";
import type { McpContext } from "../mcp/define.js";
import { createMcpServer } from "../mcp/server.js";
import type { AppEnv, GrantProps } from "./types.js";

/** What the OAuth provider adds to the execution context of an authenticated request. */
type AuthenticatedContext = ExecutionContext<Partial<GrantProps>> & { auth?: { scope: string[] } };

/**
 * POST /mcp: one JSON-RPC message (or batch) through a fresh MCP server and a stateless
 * Streamable HTTP transport. The middleware before it has already checked the origin, media
 * type, size and JSON, and parsed the body, which the transport takes as `parsedBody`.
 */
export async function handleMcp(c: Context<AppEnv>): Promise<Response> {
  const execution = c.executionCtx as AuthenticatedContext;
  const ctx: McpContext = {
    env: c.env,
    user: execution.props?.user,
    scopes: execution.auth?.scope ?? [],
    session: c.var.session,
    signal: c.req.raw.signal,
  };
  const server = createMcpServer(ctx);
  const transport = new WebStandardStreamableHTTPServerTransport({
    enableJsonResponse: c.var.responseMode === "json",
  });
  await server.connect(transport);
  return transport.handleRequest(forSdk(c.req.raw), { parsedBody: c.var.rpc });
}

/**
 * The SDK insists on `Accept: application/json, text/event-stream` even though the request was
 * already negotiated (we accept either one, or none, as HTTP allows). Hand it a request that says
 * so; the body has been read, so only the headers travel.
 */
function forSdk(request: Request): Request {
  const accept = request.headers.get("Accept") ?? "";
  if (accept.includes("application/json") && accept.includes("text/event-stream")) return request;
  const headers = new Headers(request.headers);
  headers.set("Accept", "application/json, text/event-stream");
  return new Request(request.url, { method: request.method, headers });
}
