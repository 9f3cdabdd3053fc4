import {
  type AuthInfo,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type TransportSendOptions,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { base64url } from "../encoding.js";
import type { User } from "../types.js";

import { canBeAsked, type LegacySession } from "./legacy-session.js";
import type { Mailbox, Outcome } from "./mailbox.js";
import { HANDLER_METHODS, isObject, methodOf } from "./message.js";

/**
 * Server-to-client requests for 2025-era clients, on a stateless Worker.
 *
 * A tool asks for input the one way that works in both eras: it returns `inputRequired(...)`.
 * A 2026-07-28 client fulfils it and calls again (multi round-trip). On a 2025-era connection the
 * SDK's legacy shim sends the embedded requests to the client instead (`elicitation/create`,
 * `sampling/createMessage`, `roots/list`), on the call's own event stream, and waits for the
 * answers, if the client declared the capability at `initialize`. Two things make that work here:
 *
 * 1. The per-request server learns what the client declared: the session id carries it
 *    (src/template/mcp/legacy-session.ts), and the transport replays the client's initialize to the fresh
 *    server (`replayInitialize`), through the SDK's own handler, before it serves the call.
 * 2. The answer comes back in another POST, possibly to another isolate. Each question gets an id
 *    with a fresh random key (`ask.<key>`); the isolate that asked waits on the Durable Object of
 *    that name (src/template/mcp/mailbox.ts), and the POST that carries the answer delivers it there
 *    (`deliverAnswers`). The object hands it back to the transport of the waiting call, which
 *    gives it to the SDK under the id it had chosen, and the tool's round resumes.
 *
 * Bounded everywhere: one wait is WAIT_MS at most (then the tool gets a clean error and the
 * client a `notifications/cancelled`), an answer ANSWER_MAX_BYTES; keys are 128 random bits; an
 * answer is accepted only from the owner of the question (same user, same OAuth client, same
 * session id) and only once. Ordinary traffic never reaches a Durable Object: only a question
 * actually sent, and its answer, do.
 */

/** How long a question waits for the client's answer (a person may be filling in a form). */
export const WAIT_MS = 120_000;
/** The largest answer accepted (a sampled image, say); the form answers are a few hundred bytes. */
export const ANSWER_MAX_BYTES = 256 * 1024;
/** The JSON-RPC ids of this server's questions: the prefix, then the mailbox's key. */
const ASK_PREFIX = "ask.";
const KEY = /^[A-Za-z0-9_-]{22}$/;
/** The id of the replayed initialize: the client's own ids never reach this transport's `send` unanswered. */
const REPLAY_ID = "replayed-initialize";
const REPLAY_TIMEOUT_MS = 2_000;

/** Who may answer a question: who asked it, in which session. */
export function ownerOf(user: User | undefined, authInfo: AuthInfo | undefined, sessionId: string): string {
  return JSON.stringify([user ? `${user.provider}:${user.id}` : "anonymous", authInfo?.clientId ?? "", sessionId]);
}

/**
 * Whether this request can be served with questions to the client: a call that may ask, from a
 * client whose session declared a way to answer, on an event stream (questions travel ahead of
 * the result), with a mailbox to wait on. Anything else is served as before.
 */
export function mayAsk(
  body: unknown,
  session: LegacySession | undefined,
  streamed: boolean,
  env: Env,
): session is LegacySession {
  return streamed && canBeAsked(session) && env.MAILBOX !== undefined && HANDLER_METHODS.has(methodOf(body) ?? "");
}

/**
 * The 2025 transport of one call whose handler may ask the client: each request the SDK sends
 * goes out under an `ask.<key>` id, and the answer, when the mailbox has it, comes back in under
 * the SDK's own id, as if it had arrived on this connection.
 */
export class AskingTransport extends WebStandardStreamableHTTPServerTransport {
  readonly #mailboxes: DurableObjectNamespace<Mailbox>;
  readonly #owner: string;
  readonly #waitMs: number;
  /** The SDK's id of each question asked → its id on the wire. */
  readonly #asked = new Map<string | number, string>();
  #closed = false;
  #replayed: ((answer: JSONRPCMessage | undefined) => void) | undefined;

  constructor(mailboxes: DurableObjectNamespace<Mailbox>, owner: string, waitMs = WAIT_MS) {
    super({ enableJsonResponse: false });
    this.#mailboxes = mailboxes;
    this.#owner = owner;
    this.#waitMs = waitMs;
  }

  /**
   * Replays the client's initialize to the server this transport is connected to, so that the
   * SDK knows the client's capabilities and revision as a stateful server would (and checks the
   * claim as it checks any initialize). Its answer goes nowhere. False if the SDK refused it:
   * then nothing is asked, and the call is served as for a client that declared nothing.
   */
  async replayInitialize(session: LegacySession): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The SDK answers at once; should it ever drop the message instead, the call goes on unasked.
    const answer = new Promise<JSONRPCMessage | undefined>((resolve) => {
      this.#replayed = resolve;
      timer = setTimeout(resolve, REPLAY_TIMEOUT_MS);
    });
    this.onmessage?.({
      jsonrpc: "2.0",
      id: REPLAY_ID,
      method: "initialize",
      params: {
        protocolVersion: session.protocolVersion,
        capabilities: session.capabilities,
        clientInfo: { name: "2025-era session", version: "0" },
      },
    });
    const replayed = await answer;
    if (timer !== undefined) clearTimeout(timer);
    this.#replayed = undefined;
    return isJSONRPCResultResponse(replayed);
  }

  override async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#replayed && "id" in message && message.id === REPLAY_ID && !("method" in message)) {
      this.#replayed(message);
      this.#replayed = undefined;
      return;
    }
    if (isJSONRPCRequest(message)) return this.#ask(message, options);
    return super.send(this.#renamedCancellation(message), options);
  }

  override async close(): Promise<void> {
    this.#closed = true;
    await super.close();
  }

  async #ask(message: JSONRPCMessage & { id: string | number }, options?: TransportSendOptions): Promise<void> {
    const key = randomKey();
    const mailbox = this.#mailboxes.get(this.#mailboxes.idFromName(key));
    // Opened before the question leaves, so that even the fastest answer finds it waiting.
    if (!(await mailbox.open(this.#owner, this.#waitMs))) throw new Error("The mailbox for this question was in use");
    const wireId = ASK_PREFIX + key;
    this.#asked.set(message.id, wireId);
    await super.send({ ...message, id: wireId }, options);
    void mailbox
      .take()
      .catch((): Outcome => ({ timedOut: true }))
      .then((outcome) => this.#answer(message.id, wireId, outcome, options));
  }

  async #answer(id: string | number, wireId: string, outcome: Outcome, options?: TransportSendOptions) {
    this.#asked.delete(id);
    if (this.#closed) return;
    if ("answered" in outcome) {
      // Checked on delivery already; a response under the SDK's own id, nothing else kept.
      this.onmessage?.(
        asResponse(outcome.answered, id) ?? {
          jsonrpc: "2.0",
          id,
          error: { code: -32600, message: "The client's answer was not a JSON-RPC response" },
        },
      );
      return;
    }
    // No answer in time: the client hears that the question is withdrawn, the tool gets an error.
    const seconds = this.#waitMs / 1000;
    await super
      .send(
        {
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: wireId, reason: `No answer within ${seconds} s` },
        },
        options,
      )
      .catch(() => {});
    this.onmessage?.({
      jsonrpc: "2.0",
      id,
      error: { code: -32001, message: `The client did not answer within ${seconds} s` },
    });
  }

  /** A cancellation the SDK sends for one of its questions names the question's wire id. */
  #renamedCancellation(message: JSONRPCMessage): JSONRPCMessage {
    if (!("method" in message) || message.method !== "notifications/cancelled") return message;
    const params = message.params as { requestId?: string | number } | undefined;
    const wireId = params?.requestId !== undefined ? this.#asked.get(params.requestId) : undefined;
    return wireId ? { ...message, params: { ...params, requestId: wireId } } : message;
  }
}

/** The answer as the SDK expects it: a JSON-RPC response under its own id, nothing else kept. */
function asResponse(message: unknown, id: string | number): JSONRPCMessage | undefined {
  if (isJSONRPCResultResponse(message)) return { jsonrpc: "2.0", id, result: message.result };
  if (isJSONRPCErrorResponse(message)) return { jsonrpc: "2.0", id, error: message.error };
  return undefined;
}

/**
 * The answers in a POST, if that is all it carries and each answers a question of this server
 * (an `ask.` id): those go to `deliverAnswers`. Anything else is served as before.
 */
export function answersIn(body: unknown): Record<string, unknown>[] | undefined {
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length === 0) return undefined;
  for (const message of messages) {
    if (!isObject(message) || "method" in message || !("result" in message || "error" in message)) return undefined;
    if (typeof message.id !== "string" || !message.id.startsWith(ASK_PREFIX)) return undefined;
  }
  return messages as Record<string, unknown>[];
}

/**
 * Delivers each answer to the question it answers. 202 when all were taken; 413 for an answer
 * over ANSWER_MAX_BYTES; 400 for one that is not a JSON-RPC response, and 400 too, the same for
 * all, for a question that is unknown, already answered, timed out or someone else's, so that
 * nothing can be learnt by trying ids.
 */
export async function deliverAnswers(answers: Record<string, unknown>[], env: Env, owner: string): Promise<Response> {
  for (const answer of answers) {
    if (utf8.encode(JSON.stringify(answer)).byteLength > ANSWER_MAX_BYTES) {
      return refusal(413, -32000, `Payload Too Large: an answer must be at most ${ANSWER_MAX_BYTES} bytes`);
    }
    // Checked here, so that a malformed answer is refused and leaves the question open.
    if (!isJSONRPCResultResponse(answer) && !isJSONRPCErrorResponse(answer)) {
      return refusal(
        400,
        -32600,
        "Invalid Request: an answer must be a JSON-RPC response (a result object or an error)",
      );
    }
  }
  for (const answer of answers) {
    const key = (answer.id as string).slice(ASK_PREFIX.length);
    const delivered =
      KEY.test(key) &&
      env.MAILBOX !== undefined &&
      (await env.MAILBOX.get(env.MAILBOX.idFromName(key))
        .deliver(owner, answer)
        .catch(() => false));
    if (!delivered) {
      return refusal(
        400,
        -32600,
        "Invalid Request: no question of this server is waiting for this answer " +
          "(it was answered already, timed out, or was asked in another session)",
      );
    }
  }
  return new Response(null, { status: 202 });
}

const utf8 = new TextEncoder();

function refusal(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", id: null, error: { code, message } }, { status });
}

/** 128 random bits, base64url: the mailbox's name, unguessable. */
function randomKey(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}
