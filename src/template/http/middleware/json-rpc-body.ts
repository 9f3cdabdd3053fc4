import type { MiddlewareHandler } from "hono";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../json-depth.js";
import { readBounded } from "../../read-bounded.js";
import type { AppEnv } from "../../types.js";
import { jsonRpcError } from "../json-rpc-error.js";

/**
 * Checks a POST to /mcp before anything is parsed, in the order a client can fix them:
 * media type (415), what it accepts (406), size (413, without reading more than the limit),
 * depth (400, -32600: before parsing, so no cache key, log line or SDK code ever walks a deeper
 * structure), then JSON (400, -32700). Sets `parsedBody` and `responseMode`. Both protocol eras
 * refuse a message they cannot take this way: HTTP 400 with a JSON-RPC error.
 *
 * The size is checked here rather than by Hono's body-limit (which the consent form uses): past
 * the limit that one stops reading but leaves the client's stream open, where this cancels it,
 * and a client that goes away mid-body must get the JSON-RPC 400 below, not the router's 500.
 */
export const jsonRpcBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header("Content-Type");
  if (!type || type.split(";")[0]!.trim().toLowerCase() !== "application/json") {
    return jsonRpcError(415, -32000, "Unsupported Media Type: Content-Type must be application/json");
  }

  const mode = negotiate(c.req.header("Accept"));
  if (!mode) {
    return jsonRpcError(406, -32000, "Not Acceptable: Accept must allow application/json or text/event-stream");
  }

  const limit = c.get("config").maxBodyBytes;
  const declared = Number(c.req.header("Content-Length"));
  if (declared > limit) return tooLarge(limit);
  let text: string | undefined;
  try {
    text = await readLimited(c.req.raw, limit);
  } catch {
    // The client went away mid-body (or sent a broken stream): nothing to answer, nothing broken here.
    console.warn("mcp: the request body could not be read (client disconnected?)");
    return jsonRpcError(400, -32700, "Parse error: the body could not be read");
  }
  if (text === undefined) return tooLarge(limit);

  if (nestsDeeperThan(text)) {
    return jsonRpcError(400, -32600, `Invalid Request: the message nests more than ${MAX_JSON_DEPTH} levels deep`);
  }
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(text);
  } catch {
    return jsonRpcError(400, -32700, "Parse error: the body is not valid JSON");
  }
  const invalid = batchProblem(parsedBody, c.req.header("Mcp-Protocol-Version"));
  if (invalid) return jsonRpcError(400, -32600, `Invalid Request: ${invalid}`);
  c.set("parsedBody", parsedBody);
  c.set("responseMode", mode);
  await next();
};

/**
 * At most this many messages in one batch (2025-03-26 and older). Each request in a batch runs
 * at once, and a tool may fetch elsewhere: without a bound, one POST would be a hundred outbound
 * calls (the SDK's own ceiling is 100).
 */
export const MAX_BATCH_MESSAGES = 20;

/**
 * Batches from a protocol version without them, and what the SDK lets through in a batch but
 * cannot answer correctly: an empty batch (it would answer 202 with nothing, where JSON-RPC
 * requires an error) and two requests with one id (it would answer only one of them, so a
 * response would be lost).
 */
function batchProblem(body: unknown, version: string | undefined): string | undefined {
  if (!Array.isArray(body)) return undefined;
  // 2025-06-18 removed JSON-RPC batching; versions are dates, so they compare as strings.
  if (version && version >= "2025-06-18") return "batches are not supported from protocol version 2025-06-18 on";
  if (body.length === 0) return "the batch is empty";
  if (body.length > MAX_BATCH_MESSAGES) return `a batch may hold at most ${MAX_BATCH_MESSAGES} messages`;
  const ids = new Set<unknown>();
  for (const message of body) {
    if (typeof message !== "object" || message === null || !("method" in message) || !("id" in message)) continue;
    if (ids.has(message.id)) return `two requests in the batch share the id ${JSON.stringify(message.id)}`;
    ids.add(message.id);
  }
  return undefined;
}

/** JSON when the client takes it (one round trip, no stream to hold open), else SSE. */
export function negotiate(accept: string | undefined): "json" | "sse" | undefined {
  const types = acceptedTypes(accept);
  if (types.some((t) => t === "application/json" || t === "application/*" || t === "*/*")) return "json";
  if (types.some((t) => t === "text/event-stream" || t === "text/*")) return "sse";
  return undefined;
}

/** Whether the client takes an event stream (for progress and log messages before the result). */
export function acceptsEventStream(accept: string | undefined): boolean {
  return acceptedTypes(accept).some((t) => t === "text/event-stream" || t === "text/*" || t === "*/*");
}

const ANYTHING = ["*/*"];
// A client sends the same Accept header on every request: remember the last few parses.
const parsedAccept = new Map<string, string[]>();

/** The media ranges an Accept header allows (q=0 means "not this"); none means anything (RFC 9110). */
function acceptedTypes(accept: string | undefined): string[] {
  if (!accept) return ANYTHING;
  let types = parsedAccept.get(accept);
  if (!types) {
    types = accept
      .split(",")
      .map((part) => part.split(";"))
      .filter(([, ...params]) => !params.some((p) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/.test(p)))
      .map(([type]) => type!.trim().toLowerCase());
    if (parsedAccept.size >= 16) parsedAccept.clear();
    parsedAccept.set(accept, types);
  }
  return types;
}

// Decoding without `stream: true` keeps no state between calls, so one decoder serves every request.
const utf8 = new TextDecoder();

async function readLimited(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return "";
  // A declared length (already checked against the limit): the runtime delivers exactly that many
  // bytes, so one native read is safe and much cheaper than the loop below, which is for bodies
  // of unknown length (readBounded). The size is checked again in case the header lied.
  if (request.headers.has("Content-Length")) {
    const bytes = await request.arrayBuffer();
    return bytes.byteLength > limit ? undefined : utf8.decode(bytes);
  }
  const bytes = await readBounded(request.body, limit);
  return bytes && utf8.decode(bytes);
}

function tooLarge(limit: number): Response {
  return jsonRpcError(413, -32000, `Payload Too Large: the body must be at most ${limit} bytes`);
}
