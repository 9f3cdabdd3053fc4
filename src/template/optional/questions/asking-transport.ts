import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type TransportSendOptions,
} from "@modelcontextprotocol/server";
import { JsonFirstTransport } from "../../mcp/legacy-response.js";
import type { LegacySession } from "../../mcp/legacy-session.js";

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
 *    (src/template/mcp/legacy-session.ts), and the transport replays the client's initialize to the
 *    fresh server (`replayInitialize`), through the SDK's own handler, before it serves the call.
 * 2. The answer comes back in another POST, possibly to another isolate. Each question opens a
 *    WebSocket to the caller's Mailbox (./mailbox.ts) and goes out under a signed id that names it
 *    (./question-id.ts); the POST that carries the answer is checked and delivered there
 *    (./answers.ts), and the Mailbox sends it down the socket to this transport, which gives it to
 *    the SDK under the id the SDK had chosen: the tool's round resumes.
 *
 * A question lives exactly as long as the call that asked it: answered, it is gone; when the call
 * ends (its client went away or closed the stream, the call finished) or stops waiting (WAIT_MS,
 * or the SDK cancels it), its socket is closed and the question is withdrawn at once. Bounded
 * everywhere: one wait is WAIT_MS at most, an answer ANSWER_MAX_BYTES, a caller's open questions
 * MAX_OPEN_QUESTIONS (./mailbox.ts).
 */
export class AskingTransport extends JsonFirstTransport {
  readonly #open: (lifetimeMs: number) => Promise<OpenedQuestion>;
  readonly #waitMs: number;
  /** The SDK's id of each question waiting → the question. */
  readonly #asked = new Map<string | number, Waiting>();
  #closed = false;
  #replayed: ((answer: JSONRPCMessage | undefined) => void) | undefined;

  /** `open`: opens a question in the caller's Mailbox (./index.ts). */
  constructor(mode: "auto" | "sse", open: (lifetimeMs: number) => Promise<OpenedQuestion>, waitMs = WAIT_MS) {
    super(mode);
    this.#open = open;
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
    // The call's result: the call is finished, and so is anything it still had open.
    if ("id" in message && !("method" in message)) this.#withdrawAll();
    return super.send(this.#cancellation(message), options);
  }

  override async close(): Promise<void> {
    this.#closed = true;
    this.#withdrawAll();
    await super.close();
  }

  async #ask(message: JSONRPCMessage & { id: string | number }, options?: TransportSendOptions): Promise<void> {
    if (this.#closed) throw new Error("The call has ended");
    // Opened before the question leaves, so that even the fastest answer finds it waiting.
    const question = await this.#open(this.#waitMs);
    if (this.#closed) {
      question.socket.close(1000, "withdrawn");
      throw new Error("The call has ended");
    }
    const waiting: Waiting = {
      wireId: question.id,
      socket: question.socket,
      timer: setTimeout(() => void this.#settle(message.id, "timed out", options), this.#waitMs),
    };
    this.#asked.set(message.id, waiting);
    question.socket.addEventListener("message", (event) => {
      void this.#settle(message.id, String(event.data), options);
    });
    question.socket.addEventListener("close", () => {
      void this.#settle(message.id, "withdrawn", options);
    });
    await super.send({ ...message, id: question.id }, options);
  }

  /** Question `id` has its answer (JSON text), or waited WAIT_MS, or its Mailbox let it go. */
  async #settle(id: string | number, outcome: string, options?: TransportSendOptions): Promise<void> {
    const waiting = this.#asked.get(id);
    if (!waiting) return;
    this.#release(id, waiting);
    if (this.#closed) return;
    if (outcome !== "timed out" && outcome !== "withdrawn") {
      // Checked on delivery already (./answers.ts); a response under the SDK's own id, nothing else kept.
      this.onmessage?.(asResponse(parse(outcome), id) ?? notAnAnswer(id));
      return;
    }
    const seconds = this.#waitMs / 1000;
    if (outcome === "timed out") {
      // No answer in time: the client hears that the question is withdrawn, the tool gets an error.
      await super
        .send(
          {
            jsonrpc: "2.0",
            method: "notifications/cancelled",
            params: { requestId: waiting.wireId, reason: `No answer within ${seconds} s` },
          },
          options,
        )
        .catch(() => {});
    }
    const reason = outcome === "timed out" ? `did not answer within ${seconds} s` : "question lapsed unanswered";
    this.onmessage?.({ jsonrpc: "2.0", id, error: { code: -32001, message: `The client ${reason}` } });
  }

  /** Stops waiting for question `id` and closes its socket: withdrawn in its Mailbox at once. */
  #release(id: string | number, waiting: Waiting): void {
    this.#asked.delete(id);
    clearTimeout(waiting.timer);
    try {
      waiting.socket.close(1000, "withdrawn");
    } catch {}
  }

  #withdrawAll(): void {
    for (const [id, waiting] of this.#asked) this.#release(id, waiting);
  }

  /**
   * A cancellation the SDK sends for one of its questions (it gave up on it) withdraws the
   * question, and names it by its wire id.
   */
  #cancellation(message: JSONRPCMessage): JSONRPCMessage {
    if (!("method" in message) || message.method !== "notifications/cancelled") return message;
    const params = message.params as { requestId?: string | number } | undefined;
    const waiting = params?.requestId !== undefined ? this.#asked.get(params.requestId) : undefined;
    if (!waiting) return message;
    this.#release(params!.requestId!, waiting);
    return { ...message, params: { ...params, requestId: waiting.wireId } };
  }
}

/** A question opened in its Mailbox: its wire id, and the asking end of its socket (accepted). */
export interface OpenedQuestion {
  id: string;
  socket: WebSocket;
}

interface Waiting {
  wireId: string;
  socket: WebSocket;
  timer: ReturnType<typeof setTimeout>;
}

/** How long a question waits for the client's answer (a person may be filling in a form). */
export const WAIT_MS = 120_000;
/** The id of the replayed initialize: the client's own ids never reach this transport's `send` unanswered. */
const REPLAY_ID = "replayed-initialize";
const REPLAY_TIMEOUT_MS = 2_000;

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function notAnAnswer(id: string | number): JSONRPCMessage {
  return { jsonrpc: "2.0", id, error: { code: -32600, message: "The client's answer was not a JSON-RPC response" } };
}

/** The answer as the SDK expects it: a JSON-RPC response under its own id, nothing else kept. */
function asResponse(message: unknown, id: string | number): JSONRPCMessage | undefined {
  if (isJSONRPCResultResponse(message)) return { jsonrpc: "2.0", id, result: message.result };
  if (isJSONRPCErrorResponse(message)) return { jsonrpc: "2.0", id, error: message.error };
  return undefined;
}
