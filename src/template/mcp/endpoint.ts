import {
  type AuthInfo,
  createMcpHandler,
  type McpRequestContext,
  type McpServer,
  ProtocolError,
  SUPPORTED_PROTOCOL_VERSIONS,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import type { RequestLog } from "../observe/request-log.js";
import { rendersApps } from "./apps-negotiation.js";
import { eraOfAnswered, isLegacy } from "./era.js";
import { JsonFirstTransport } from "./legacy-response.js";
import { type LegacySession, readSession, sessionIdFor } from "./legacy-session.js";
import { HANDLER_METHODS, methodOf } from "./message.js";
import { parts } from "./parts.gen.js";
import type { Asking, Caller } from "./seams.js";
import { createMcpServer, type McpRequest, servedRegistry } from "./server.js";

/**
 * The MCP endpoint, both protocol eras, on the SDK: what /mcp does once the router's middleware
 * has checked and parsed the request. Everything here is built once per isolate.
 */

/**
 * One request to the endpoint: the request itself, its body parsed once, and who is asking.
 * Whether the client renders MCP Apps is read here, from the request (src/template/mcp/apps-negotiation.ts).
 */
export interface EndpointRequest {
  request: Request;
  parsedBody: unknown;
  context: Omit<McpRequest, "apps">;
  authInfo?: AuthInfo;
  /** How the client wants its answer (content negotiation on Accept). */
  responseMode: "json" | "sse";
  /** Whether it takes an event stream too (for progress before the result); false if unsaid. */
  acceptsStream?: boolean;
  /** The request's log line (src/template/observe/request-log.ts): told the era and what the server sends. */
  log?: RequestLog;
}

/**
 * Each request's context, found by the factory the SDK calls with that request (`requestInfo`).
 * A WeakMap keeps the handlers below built once per isolate: nothing per request is captured.
 */
const contexts = new WeakMap<Request, { context: McpRequest; parsedBody: unknown; log?: RequestLog }>();

function factory({ era, requestInfo }: McpRequestContext) {
  const entry = requestInfo && contexts.get(requestInfo);
  if (!entry) throw new Error("MCP request without its context: go through serveMcp");
  const server = createMcpServer(entry.context, era, entry.parsedBody);
  if (entry.log) reportSends(server, entry.log);
  return server;
}

/**
 * Tells the log line what the server sends (each response settles its request's outcome), by
 * wrapping `send` of the transport the server is connected to, whichever era's or part's it is.
 */
function reportSends(server: McpServer, log: RequestLog): void {
  const connect = server.connect.bind(server);
  server.connect = (transport) => {
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      log.sent(message);
      return send(message, options);
    };
    return connect(transport);
  };
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
 * the code `createMcpHandler` routes with; src/template/mcp/era.ts) on the already parsed body: the SDK
 * never reads the request body again. The optional parts (src/template/mcp/seams.ts) join here:
 * the per-isolate answers around the whole request, the 2025-era questions on the 2025 leg.
 */
export async function serveMcp(endpointRequest: EndpointRequest): Promise<Response> {
  const { request, parsedBody, context, authInfo } = endpointRequest;
  // A 2025-era session id carries what the client declared at initialize (src/template/mcp/legacy-session.ts).
  const sessionId = request.headers.get("Mcp-Session-Id");
  const session = readSession(sessionId);
  let served = false;
  const response = await parts.isolateCache.serve(
    {
      request,
      body: parsedBody,
      caller: `${context.auth} ${authInfo?.scopes.join(" ") ?? ""}`,
      apps: session?.apps ?? false,
      source: servedRegistry(),
    },
    () => {
      served = true;
      return serveInEra(endpointRequest, sessionId, session);
    },
  );
  // The SDK's earlier answer, replayed: its log line knows the outcome without a server.
  const { log } = endpointRequest;
  if (!served && log) {
    log.era = eraOfAnswered(parsedBody);
    log.replayed();
  }
  return response;
}

/** Serves one POST through the SDK, in its era. */
async function serveInEra(
  { request, parsedBody, context, authInfo, responseMode, acceptsStream, log }: EndpointRequest,
  sessionId: string | null,
  session: LegacySession | undefined,
): Promise<Response> {
  const caller: Caller = { env: context.env, request, user: context.user, authInfo, sessionId };
  // The client's answer to a question this server asked it mid-call (src/template/optional/questions/).
  const delivered = parts.questions.deliver(parsedBody, caller);
  if (delivered) {
    if (log) log.era = "legacy";
    return delivered;
  }
  const legacy = await isLegacy(request, parsedBody);
  if (log) log.era = legacy ? "legacy" : "modern";
  const apps = rendersApps(parsedBody, legacy ? "legacy" : "modern", session);
  if (legacy) {
    const stream = responseMode === "sse" || (acceptsStream === true && wantsProgress(parsedBody));
    // A single call from a client that takes both: JSON unless the handler sends something before
    // its result (src/template/mcp/legacy-response.ts). Only this server's handlers can: lists,
    // initialize and ping are answered by the SDK or the per-isolate cache, at once.
    const adaptive = !stream && acceptsStream === true && HANDLER_METHODS.has(methodOf(parsedBody) ?? "");
    const asking =
      (stream || adaptive) && session ? parts.questions.asking({ body: parsedBody, session, caller }) : undefined;
    contexts.set(request, {
      context: { ...context, apps, ...(asking && { askable: asking.askable }) },
      parsedBody,
      log,
    });
    return serveLegacy(request, parsedBody, authInfo, stream ? "sse" : adaptive ? "auto" : "json", {
      asking,
      apps,
    });
  }
  contexts.set(request, { context: { ...context, apps }, parsedBody, log });
  return modern[responseMode].fetch(request, { parsedBody, authInfo });
}

/** What the 2025 leg knows of the client beyond this request. */
interface LegacyClient {
  /** Set when this call can ask the client for input (src/template/optional/questions/). */
  asking: Asking | undefined;
  /** Whether it renders MCP Apps. */
  apps: boolean;
}

/**
 * The 2025 era (2025-11-25, 2025-06-18, 2025-03-26), stateless: a fresh server and Streamable HTTP
 * transport per request, `initialize` answered like any other request. The SDK's own stateless
 * leg (`legacy: 'stateless'`) always answers with an event stream; this one answers with one JSON
 * body when the client takes it, as the 1.x template did — no stream to hold open. `mode`:
 * - `json`: the client takes only JSON (anything sent before the result is dropped, as HTTP allows);
 * - `auto`: a single call from a client that takes both: JSON, unless the handler sends something
 *   before its result, which then opens an event stream (src/template/mcp/legacy-response.ts);
 * - `sse`: the client takes only a stream, or asked for progress, or sent a batch it takes a stream for.
 * A call from a client that can be asked for input is served on the transport of the questions
 * part, which can ask (src/template/optional/questions/).
 */
async function serveLegacy(
  request: Request,
  parsedBody: unknown,
  authInfo: AuthInfo | undefined,
  mode: "json" | "auto" | "sse",
  client: LegacyClient,
): Promise<Response> {
  const server = factory({ era: "legacy", requestInfo: request });
  let transport: WebStandardStreamableHTTPServerTransport;
  if (client.asking && mode !== "json") transport = await client.asking.connect(server, mode);
  else {
    transport =
      mode === "auto"
        ? new JsonFirstTransport("auto")
        : new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: mode === "json" });
    await server.connect(transport);
  }
  const answered = (async () => {
    const options = { parsedBody, authInfo };
    const sdkRequest = acceptingBothTypes(request);
    let response =
      transport instanceof JsonFirstTransport
        ? await transport.answer(sdkRequest, options)
        : await transport.handleRequest(sdkRequest, options);
    // A client that declared at initialize what later requests need (MCP Apps, or a way to answer
    // questions): the session id it will send back says so (src/template/mcp/legacy-session.ts). Nothing
    // is stored; any other client gets no session id.
    const sessionId = response.ok ? sessionIdFor(parsedBody, client.apps, parts.questions.capabilities) : undefined;
    if (sessionId) response.headers.set("Mcp-Session-Id", sessionId);
    // The SDK's own stream (not ours, which closes its transport itself) ends its handler when cancelled.
    if (mode === "sse" && !(transport instanceof JsonFirstTransport)) response = closeOnCancel(response, server);
    return response;
  })();
  // A list answered once per isolate: no work to abort, and no abort listener to pay for.
  if (parts.isolateCache.answersList(parsedBody)) return answered;
  // A client that goes away aborts what its request started: closing the server aborts its
  // handlers' signals (`ctx.signal`), withdraws its questions, and the exchange ends with 499
  // (nobody reads it), as on the modern path.
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
  return Promise.race([answered, gone]);
}

/**
 * A request that asks for progress (`_meta.progressToken`) gets an event stream when the client
 * takes one: progress notifications can only travel on a stream, ahead of the result.
 */
function wantsProgress(body: unknown): boolean {
  return (Array.isArray(body) ? body : [body]).some(
    (message) =>
      (message as { params?: { _meta?: { progressToken?: unknown } } })?.params?._meta?.progressToken != null,
  );
}

/**
 * The SDK's 2025 transport does not stop a handler when the client closes its event stream (it
 * only forgets the stream); closing the server does, through the handler's `signal`. Over
 * stateless HTTP that is the only cancellation there is: a `notifications/cancelled` arrives in
 * another request, which knows nothing of this one.
 */
function closeOnCancel(response: Response, server: McpServer): Response {
  if (!response.body || !response.headers.get("Content-Type")?.startsWith("text/event-stream")) return response;
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await server.close();
      await reader.cancel(reason);
    },
  });
  return new Response(body, response);
}

/**
 * The SDK's 2025 transport insists on `Accept: application/json, text/event-stream` even though
 * the request was already negotiated (we accept either one, or none, as HTTP allows). Hand it a
 * request that says so; the body has been read, so only the headers travel.
 */
function acceptingBothTypes(request: Request): Request {
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
export async function discoverInProcess(context: Omit<McpRequest, "apps">): Promise<{
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
