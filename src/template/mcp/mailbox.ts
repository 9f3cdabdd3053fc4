import { DurableObject } from "cloudflare:workers";

/** What the request that asked gets back: the client's answer, or why there is none. */
export type Outcome = { answered: unknown } | { timedOut: true };

/** The longest a question waits for its answer, whatever the caller asks for. */
export const MAX_WAIT_MS = 10 * 60_000;

/**
 * A rendezvous for one server-to-client request of the 2025 era (src/template/mcp/legacy-push.ts), one
 * object per request, named by the random key in that request's JSON-RPC id. The request that
 * asked `open`s it and waits in `take`; the client's answer arrives in another HTTP request,
 * possibly in another isolate, and is handed over by `deliver`. Everything is in memory and
 * single-use: nothing is written to storage, and once answered or timed out the object refuses
 * every later delivery until the runtime evicts it.
 *
 * Only the owner that opened it (the signed-in user, or "anonymous", and the session id the
 * question was asked in) can answer: a delivery from anyone else is refused and leaves the
 * question open for the rightful answer.
 */
export class Mailbox extends DurableObject<Env> {
  #owner: string | undefined;
  #settled = false;
  /** An outcome nobody was waiting for yet; dropped once taken. */
  #pending: Outcome | undefined;
  #waiters: ((outcome: Outcome) => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Opens the question for `owner`; it times out after `waitMs`. False if it was opened before. */
  open(owner: string, waitMs: number): boolean {
    if (this.#owner !== undefined) return false;
    this.#owner = owner;
    const wait = Math.min(Math.max(Number.isFinite(waitMs) ? waitMs : 0, 0), MAX_WAIT_MS);
    this.#timer = setTimeout(() => this.#settle({ timedOut: true }), wait);
    return true;
  }

  /** Resolves with the answer once it is delivered, or when the question times out. */
  take(): Promise<Outcome> {
    if (this.#owner === undefined) return Promise.resolve({ timedOut: true });
    if (this.#pending) {
      const outcome = this.#pending;
      this.#pending = undefined;
      return Promise.resolve(outcome);
    }
    if (this.#settled) return Promise.resolve({ timedOut: true });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Hands `message` to the waiting question, if `owner` opened it and it is still open. */
  deliver(owner: string, message: unknown): boolean {
    if (this.#owner === undefined || this.#settled || owner !== this.#owner) return false;
    this.#settle({ answered: message });
    return true;
  }

  #settle(outcome: Outcome): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#waiters.length === 0) this.#pending = outcome;
    for (const resolve of this.#waiters.splice(0)) resolve(outcome);
  }
}
