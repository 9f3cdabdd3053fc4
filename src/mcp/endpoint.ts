import {
  type AuthInfo,
  createMcpHandler,
  type McpRequestContext,
  ProtocolError,
  SUPPORTED_PROTOCOL_VERSIONS,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { isLegacy } from "./era.js";
import { answersFromCache, createMcpServer, type McpRequest } from "./server.js";

/**
 * The MCP endpoint, both protocol eras, on the SDK: what /mcp does once the router's middleware
 * has checked and parsed the request. Everything here is built once per isolate.
 */

/** One request to the endpoint: the request itself, its body parsed once, and who is asking. */
export interface EndpointRequest {
  request: Request;
  parsedBody: unknown;
  context: McpRequest;
  authInfo?: AuthInfo;
  /** How the client wants its answer (content negotiation on Accept). */
  responseMode: "json" | "sse";
}

/**
 * Each request's context, found by the factory the SDK calls with that request (`requestInfo`).
 * A WeakMap keeps the handlers below built once per isolate: nothing per request is captured.
 */
const contexts = new WeakMap<Request, { context: McpRequest; parsedBody: unknown }>();

function factory({ era, requestInfo }: McpRequestContext) {
  const entry = requestInfo && contexts.get(requestInfo);
  if (!entry) throw new Error("MCP request without its context: go through serveMcp");
  return createMcpServer(entry.context, era, entry.parsedBody);
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
 * (-32022), `resultType`, cache hints, `serverInfo` in `_meta`. `sse` for a client that accepts
 * only an event stream; otherwise the SDK's `auto` mode: one JSON body, upgraded to an event stream
 * only when a handler sends something before its result (progress, say).
 * 2025-era requests never reach these: see `serveLegacy`.
 */
const modern = {
  json: createMcpHandler(factory, { legacy: "reject", onerror }),
  sse: createMcpHandler(factory, { legacy: "reject", onerror, responseMode: "sse" }),
};

/**
 * Serves one POST, in the era the request is in, chosen by the SDK's own rules (`isLegacyRequest`,
 * the code `createMcpHandler` routes with; src/mcp/era.ts) on the already parsed body: the SDK
 * never reads the request body again.
 */
export async function serveMcp({ request, parsedBody, context, authInfo, responseMode }: EndpointRequest) {
  contexts.set(request, { context, parsedBody });
  if (await isLegacy(request, parsedBody)) return serveLegacy(request, parsedBody, authInfo, responseMode);
  return modern[responseMode].fetch(request, { parsedBody, authInfo });
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
  const handled = transport.handleRequest(forSdk(request), { parsedBody, authInfo });
  // A list comes from the per-isolate cache: no work to abort, and no abort listener to pay for.
  if (answersFromCache(parsedBody)) return handled;
  // A client that goes away aborts what its request started: closing the server aborts its
  // handlers' signals (`ctx.signal`), and the exchange ends with 499 (nobody reads it), as on the
  // modern path.
  const gone = new Promise<Response>((resolve) => {
    request.signal.addEventListener(
      "abort",
      () => {
        server.close().catch(() => {});
        resolve(new Response(null, { status: 499 }));
      },
      { once: true },
    );
  });
  return Promise.race([handled, gone]);
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
  return new Request(request.url, { method: request.method, headers, signal: request.signal });
}

/** The first revision of Streamable HTTP: the older ones (2024-11-05) spoke HTTP+SSE instead. */
const FIRST_STREAMABLE_HTTP = "2025-03-26";

/** The 2025-era revisions this endpoint serves (through `initialize`), newest first. */
export const LEGACY_REVISIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS.filter(
  (v) => v >= FIRST_STREAMABLE_HTTP,
);

/**
 * This endpoint's own `server/discover` answer, asked in process through the same handler a
 * client reaches (the server card states what it says). Who asks does not change it.
 */
export async function discoverInProcess(context: McpRequest): Promise<{
  supportedVersions: string[];
  capabilities: Record<string, unknown>;
  instructions?: string;
  _meta?: Record<string, unknown>;
}> {
  const body = {
    jsonrpc: "2.0",
    id: 1,
    method: "server/discover",
    params: {
      _meta: {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": { name: "server-card", version: "1.0.0" },
        "io.modelcontextprotocol/clientCapabilities": {},
      },
    },
  };
  const request = new Request("https://in-process.invalid/mcp", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "MCP-Protocol-Version": "2026-07-28",
      "Mcp-Method": "server/discover",
    },
    body: JSON.stringify(body),
  });
  const response = await serveMcp({ request, parsedBody: body, context, responseMode: "json" });
  const answer = (await response.json()) as { result?: never; error?: { message: string } };
  if (!answer.result) throw new Error(`server/discover failed: ${answer.error?.message ?? response.status}`);
  return answer.result;
}
