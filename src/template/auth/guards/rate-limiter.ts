import { DurableObject } from "cloudflare:workers";

/** At most `limit` takes in any `windowMs`-long stretch of time, counted under `key`. */
export interface Counter {
  key: string;
  limit: number;
  windowMs: number;
}

export type Taken =
  /** `counts[i]`: how many takes counter i holds now, this one included. */
  | { ok: true; counts: number[] }
  /** `refusedBy`: the index of the first counter that was full. */
  | { ok: false; refusedBy: number; retryAfter: number };

interface Log {
  /** The counter's window, in ms, so the alarm can prune without knowing the rules. */
  w: number;
  /** When each take in the current window happened (ms), oldest first. */
  t: number[];
}

/**
 * Exact sliding-window counters. A Durable Object runs one event at a time and its synchronous
 * storage calls cannot interleave with another request, so "read the logs, compare, append" is
 * atomic: 120 guesses sent at the same moment are 120 calls, one after another, and only the
 * first `limit` are let through (KV cannot do this: it is eventually consistent and has no
 * compare-and-set). One call takes from several counters at once, or from none, so an address,
 * its /56 and its /48 are counted together in their network's object (./limits.ts says which
 * objects exist). Nothing outlives its window: once every log is empty the object deletes its
 * storage, so an address seen once leaves nothing behind.
 */
export class RateLimiter extends DurableObject<Env> {
  take(counters: Counter[]): Taken {
    const now = Date.now();
    const logs = counters.map((c) => this.current(c.key, c.windowMs, now));
    for (let i = 0; i < counters.length; i++) {
      const { limit, windowMs } = counters[i]!;
      const t = logs[i]!.t;
      if (t.length >= limit) {
        // The oldest take that must leave the window before one more fits.
        const freesAt = t[t.length - limit]! + windowMs;
        return { ok: false, refusedBy: i, retryAfter: Math.max(1, Math.ceil((freesAt - now) / 1000)) };
      }
    }
    let longest = 0;
    for (let i = 0; i < counters.length; i++) {
      logs[i]!.t.push(now);
      this.ctx.storage.kv.put(counters[i]!.key, logs[i]!);
      longest = Math.max(longest, counters[i]!.windowMs);
    }
    this.pruneLater(now + longest);
    return { ok: true, counts: logs.map((log) => log.t.length) };
  }

  /** Gives back the latest take of each counter (a right passphrase was no guess). */
  refund(keys: string[]): void {
    for (const key of keys) {
      const log = this.ctx.storage.kv.get<Log>(key);
      if (!log?.t.length) continue;
      log.t.pop();
      if (log.t.length) this.ctx.storage.kv.put(key, log);
      else this.ctx.storage.kv.delete(key);
    }
  }

  /** Drops what has left every window; when nothing is left, the object's storage goes too. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let next = 0;
    for (const [key, log] of this.ctx.storage.kv.list<Log>()) {
      const kept = log.t.filter((t) => t > now - log.w);
      if (kept.length === 0) this.ctx.storage.kv.delete(key);
      else {
        if (kept.length !== log.t.length) this.ctx.storage.kv.put(key, { w: log.w, t: kept });
        next = Math.max(next, kept[kept.length - 1]! + log.w);
      }
    }
    if (next) await this.ctx.storage.setAlarm(next);
    else await this.ctx.storage.deleteAll();
  }

  private current(key: string, windowMs: number, now: number): Log {
    const stored = this.ctx.storage.kv.get<Log>(key);
    return { w: windowMs, t: (stored?.t ?? []).filter((t) => t > now - windowMs) };
  }

  private pruneLater(at: number): void {
    // Fire-and-forget is safe here: output gates hold the answer until the alarm is stored.
    // An earlier alarm reschedules itself for whatever is still in a window.
    void this.ctx.storage.getAlarm().then((alarm) => {
      if (alarm === null) return this.ctx.storage.setAlarm(at);
    });
  }
}
