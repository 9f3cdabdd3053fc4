import {
  type AuthInfo,
  type JSONRPCMessage,
  type TransportSendOptions,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";

/**
 * The 2025-era leg's answer shape for one call, chosen the way the 2026-07-28 leg's `auto` mode
 * chooses it: one JSON body when the handler only answers, an event stream when it sends
 * something first (progress, log messages, a question to the client).
 *
 * The SDK's 2025 transport decides up front: in JSON mode it drops whatever is sent before the
 * result, in stream mode it opens, writes, keeps alive and closes a stream even for a call that
 * only answers. This one runs the SDK's transport in JSON mode and watches what the server sends
 * for the call: the first message that is not the result opens a stream, which becomes the answer
 * (that message first, nothing lost), and everything after it follows on the stream. A call that
 * only answers never opens one: no flag on the tool, no guess.
 */
export class JsonFirstTransport extends WebStandardStreamableHTTPServerTransport {
  readonly #mode: "auto" | "sse";
  #callId: string | number | undefined;
  #stream: Stream | undefined;
  #streamed: ((response: Response) => void) | undefined;

  /** `sse`: the client takes only an event stream, so the result goes on one too. */
  constructor(mode: "auto" | "sse" = "auto") {
    super({ enableJsonResponse: true });
    this.#mode = mode;
  }

  /**
   * Serves one POST carrying a single request: the SDK's JSON answer (or refusal), or the event
   * stream the call became.
   */
  answer(request: Request, options: { parsedBody: unknown; authInfo?: AuthInfo }): Promise<Response> {
    const id = (options.parsedBody as { id?: unknown } | null)?.id;
    this.#callId = typeof id === "string" || typeof id === "number" ? id : undefined;
    const streamed = new Promise<Response>((resolve) => {
      this.#streamed = resolve;
    });
    return Promise.race([this.handleRequest(request, options), streamed]);
  }

  override async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const result = isResponse(message);
    const related = result ? message.id : options?.relatedRequestId;
    if (related === undefined || related !== this.#callId) return super.send(message, options);
    if (!result || this.#stream || this.#mode === "sse") {
      this.#write(message);
      // The result ends the stream. The SDK's own bookkeeping would only build a JSON answer
      // nobody reads: the transport lives for this one call.
      if (result) this.#end();
      return;
    }
    return super.send(message, options);
  }

  override async close(): Promise<void> {
    this.#end();
    await super.close();
  }

  #write(message: JSONRPCMessage): void {
    if (!this.#stream) this.#stream = this.#open();
    this.#stream.frame(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /** Opens the event stream and answers the POST with it. */
  #open(): Stream {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
      },
      // The client closed the stream: over stateless HTTP that is how a 2025-era call is
      // cancelled, so closing the transport aborts the handler (`ctx.signal`).
      cancel: () => void this.close(),
    });
    const stream: Stream = {
      ended: false,
      frame(text) {
        if (this.ended) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          this.ended = true;
        }
      },
      keepAlive: setInterval(() => stream.frame(": keepalive\n\n"), KEEP_ALIVE_MS),
      end() {
        clearInterval(this.keepAlive);
        if (this.ended) return;
        this.ended = true;
        try {
          controller.close();
        } catch {}
      },
    };
    this.#streamed?.(new Response(body, { status: 200, headers: { ...SSE_HEADERS } }));
    return stream;
  }

  #end(): void {
    this.#stream?.end();
  }
}

/**
 * The SDK built the message, so its shape is JSON-RPC's: a response has an id and a result or an
 * error (a request has a method). Cheaper than the SDK's guards, which validate the whole result.
 */
function isResponse(message: JSONRPCMessage): message is JSONRPCMessage & { id: string | number } {
  return "id" in message && ("result" in message || "error" in message);
}

interface Stream {
  ended: boolean;
  keepAlive: ReturnType<typeof setInterval>;
  frame(text: string): void;
  end(): void;
}

/** As the SDK's own 2025 transport streams. */
const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};
/** A comment line this often keeps proxies from closing a quiet stream (the SDK's interval). */
const KEEP_ALIVE_MS = 15_000;
const encoder = new TextEncoder();
