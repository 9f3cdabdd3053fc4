import { DurableObject } from "cloudflare:workers";

/** The most questions one caller can have open at once; one more is refused (`fetch` answers 429). */
export const MAX_OPEN_QUESTIONS = 8;
/** A question's key: 128 random bits, base64url (./question-id.ts). */
const KEY = /^[A-Za-z0-9_-]{22}$/;

/** What a waiting question's socket remembers through hibernation. */
interface Waiting {
  /** When the question lapses (ms since the epoch), whatever its asker does. */
  expires: number;
}

/**
 * Where one caller's open questions wait for their answers (./asking-transport.ts): one object per
 * caller (the signed-in user and OAuth client, or without OAuth the client's address), so that
 * the cap on open questions is one exact count.
 *
 * A question is a WebSocket between the asking call and this object, accepted through the
 * Hibernation API and tagged with the question's key. While it waits there is nothing for the
 * object to do: no timer, no open call, so the runtime may put it to sleep, and an object that
 * can sleep is not billed for its time. An answer (`deliver`) goes down the socket and closes it;
 * an asking call that ends (its client went away, its stream closed, it finished, it gave up)
 * closes its sockets, which withdraws those questions at once. Nothing is stored: the sockets are
 * the state, and the signed question ids (checked by the Worker before anything reaches an
 * object) are the only way in.
 */
export class Mailbox extends DurableObject<Env> {
  /**
   * Opens question `?question=<key>&expires=<ms>`: a WebSocket upgrade, answered with the asking
   * call's end of the socket; 429 when the caller has MAX_OPEN_QUESTIONS open already.
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const key = url.searchParams.get("question") ?? "";
    const expires = Number(url.searchParams.get("expires"));
    if (request.headers.get("Upgrade") !== "websocket" || !KEY.test(key) || !Number.isFinite(expires)) {
      return new Response(null, { status: 400 });
    }
    if (this.#waiting().length >= MAX_OPEN_QUESTIONS) return new Response(null, { status: 429 });
    if (this.#waiting(key).length > 0) return new Response(null, { status: 409 });
    const { 0: asker, 1: mailbox } = new WebSocketPair();
    this.ctx.acceptWebSocket(mailbox, [key]);
    mailbox.serializeAttachment({ expires } satisfies Waiting);
    return new Response(null, { status: 101, webSocket: asker });
  }

  /** Hands `answer` (JSON text) to question `key` if it is still waiting; false if it is not. */
  deliver(key: string, answer: string): boolean {
    const [socket] = this.#waiting(key);
    if (!socket) return false;
    try {
      socket.send(answer);
      socket.close(1000, "answered");
      return true;
    } catch {
      return false;
    }
  }

  /** The asking call closed the socket: the question is withdrawn (nothing else to do). */
  override webSocketClose(socket: WebSocket, code: number): void {
    closeQuietly(socket, code === 1005 || code === 1006 ? 1000 : code);
  }

  override webSocketError(socket: WebSocket): void {
    closeQuietly(socket, 1011);
  }

  /**
   * The questions still waiting (only question `key`, if given); lapsed ones (an asker that
   * vanished without closing) are closed on the way.
   */
  #waiting(key?: string): WebSocket[] {
    const now = Date.now();
    return this.ctx.getWebSockets(key).filter((socket) => {
      if (socket.readyState !== WebSocket.OPEN) return false;
      const waiting = socket.deserializeAttachment() as Waiting | null;
      if (waiting && waiting.expires > now) return true;
      closeQuietly(socket, 1000);
      return false;
    });
  }
}

/**
 * The MAILBOX binding, typed, or undefined without it. `wrangler types` names the class only when
 * the Worker's entry exports it by name, and the entry exports the optional parts' classes through
 * a generated re-export (src/template/optional/durable-objects.gen.ts): so the type is said here,
 * where the class is, and nothing outside this folder names the binding.
 */
export function mailboxes(env: Env): DurableObjectNamespace<Mailbox> | undefined {
  return (env as unknown as { MAILBOX?: DurableObjectNamespace<Mailbox> }).MAILBOX;
}

function closeQuietly(socket: WebSocket, code: number): void {
  try {
    socket.close(code, "withdrawn");
  } catch {}
}
