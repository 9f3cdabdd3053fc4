import { boundedJson, isObject } from "../../mcp/message.js";
import type { AnswerInputs } from "../../mcp/seams.js";

/**
 * The SDK's own HTTP answers to the requests whose answer is the same every time (the lists, and
 * `server/discover`), kept per isolate and replayed when the same request comes again.
 *
 * Why: a client asks the same question many times (every 2026-07-28 request is self-contained,
 * and clients list tools often), and the SDK builds a server, validates the envelope and headers,
 * dispatches, stamps `resultType`, cache hints and `serverInfo`, serializes, and tears the server
 * down each time: three quarters of such a request's CPU, for an answer that was already given.
 *
 * Why it is the SDK's answer all the same: the key is everything the answer is computed from —
 * the request's JSON-RPC message except its `id`, each request header the SDK or this endpoint
 * reads to choose or check an answer (`Accept`, `Content-Type`, `MCP-Protocol-Version`,
 * `Mcp-Method`, `Mcp-Name`), whether the client renders MCP Apps (the 2025 era says it in the
 * session id, src/template/mcp/legacy-session.ts), the auth mode and the token's scopes. Two requests with
 * the same key get the same answer from the SDK, so the second gets the first's, with its own
 * `id`. Anything that differs in any of these goes to the SDK, which answers, refuses (a header
 * that disagrees with the body, an unsupported revision…) or fails as it would; only successful
 * JSON answers are kept, never an error, an event stream or a refusal.
 *
 * The key is the message as JSON, written by a walk that stops at KEY_BOUNDS: a request nested
 * deeper or written longer than any real list request is simply not replayed (the SDK answers
 * it), and nothing the client sends makes the walk recurse or run past those bounds.
 *
 * What it relies on (./index.ts): the registry is fixed when the Worker is built and the lists do
 * not depend on the caller. A fork whose lists depend on who asks turns that off there, and this
 * follows.
 */

/** A request that may be answered from the memo: its key, and the `id` its answer must carry. */
export interface Replayable {
  key: string;
  id: string | number;
}

interface Kept {
  status: number;
  headers: [string, string][];
  /** The answer's JSON text around its `id`. */
  before: string;
  after: string;
}

/** Answers kept per isolate: enough for every combination of clients, eras and list methods. */
const MAX_ANSWERS = 64;
/**
 * A longer or deeper request is not one worth keeping an answer for: real ones are a few hundred
 * bytes, nested six or seven levels (the envelope's client capabilities).
 */
const KEY_BOUNDS = { maxDepth: 16, maxLength: 4096 };
/** Ids longer than this are answered by the SDK every time (real ids are numbers or short strings). */
const MAX_ID_LENGTH = 128;

const HEADERS = ["accept", "content-type", "mcp-protocol-version", "mcp-method", "mcp-name"] as const;

const kept = new Map<string, Kept>();
/** What the kept answers were computed from: when it changes (tests swap registries), they go. */
let keptFor: unknown;

/**
 * The memo key of a request whose answer is always the same (`sameEveryTime(method)`), or
 * undefined when the request is not one to replay: not a single request with a string or number
 * id, or too large.
 */
export function replayable(
  { request, body, caller, apps }: AnswerInputs,
  sameEveryTime: (method: string) => boolean,
): Replayable | undefined {
  if (!isObject(body) || Array.isArray(body) || typeof body.method !== "string" || !sameEveryTime(body.method)) {
    return undefined;
  }
  const { id, ...message } = body;
  if (!(typeof id === "number" && Number.isFinite(id)) && !(typeof id === "string" && id.length <= MAX_ID_LENGTH)) {
    return undefined;
  }
  const headers = HEADERS.map((name) => request.headers.get(name));
  const key = boundedJson([caller, apps, headers, message], KEY_BOUNDS);
  return key === undefined ? undefined : { key, id };
}

/** The kept answer for this request, with its own id, or undefined. `source`: what is being served. */
export function replay({ key, id }: Replayable, source: unknown): Response | undefined {
  if (source !== keptFor) return undefined;
  const answer = kept.get(key);
  if (!answer) return undefined;
  return new Response(answer.before + JSON.stringify(id) + answer.after, {
    status: answer.status,
    headers: answer.headers,
  });
}

/**
 * Keeps the SDK's answer to a replayable request when it is a successful JSON answer to it, and
 * returns the response to send (the same answer; its body has been read).
 */
export async function keep({ key, id }: Replayable, source: unknown, response: Response): Promise<Response> {
  if (response.status !== 200 || response.headers.get("Content-Type") !== "application/json") return response;
  const text = await response.text();
  const split = splitAtId(text, id);
  if (split) {
    if (source !== keptFor) {
      kept.clear();
      keptFor = source;
    }
    // Oldest first out: a client that sends ever-new requests only ever misses.
    if (kept.size >= MAX_ANSWERS) kept.delete(kept.keys().next().value!);
    kept.set(key, { status: response.status, headers: [...response.headers], ...split });
  }
  return new Response(text, response);
}

/** Forgets every kept answer (tests that change what is served between requests). */
export function forgetAnswers(): void {
  kept.clear();
}

/** Stands in for the id while the answer is split; no answer of this server contains it. */
const MARK = "\u0000replay-id\u0000";

/**
 * The answer's text before and after its id, when the text is exactly the serialized result
 * response for that id (so putting another id between them gives exactly what the SDK would have
 * sent for that id), and undefined otherwise.
 */
function splitAtId(text: string, id: string | number): Pick<Kept, "before" | "after"> | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(answer) || answer.id !== id || !("result" in answer) || "error" in answer) return undefined;
  if (JSON.stringify(answer) !== text) return undefined;
  const marked = JSON.stringify({ ...answer, id: MARK });
  const at = marked.indexOf(JSON.stringify(MARK));
  if (at < 0 || marked.indexOf(JSON.stringify(MARK), at + 1) >= 0) return undefined;
  return { before: marked.slice(0, at), after: marked.slice(at + JSON.stringify(MARK).length) };
}

/** How many answers are kept (tests; a fork's own diagnostics). */
export function keptAnswers(): number {
  return kept.size;
}
