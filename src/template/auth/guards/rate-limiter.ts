import { DurableObject } from "cloudflare:workers";

/** At most `limit` takes in any `windowSeconds`-long stretch of time. */
export interface Rule {
  name: string;
  limit: number;
  windowSeconds: number;
}

export type Taken = { ok: true } | { ok: false; retryAfter: number };

interface Log {
  /** The rule's window, in ms, so the alarm can prune without knowing the rules. */
  w: number;
  /** When each take in the current window happened (ms), oldest first. */
  t: number[];
}

/**
 * Exact sliding-window counters. A Durable Object runs one event at a time and its synchronous
 * storage calls cannot interleave with another request, so "read the log, compare, append" is
 * atomic: 120 guesses sent at the same moment are 120 calls, one after another, and only the
 * first `limit` are let through. (KV cannot do this: it is eventually consistent and has no
 * compare-and-set.) One object per client address keeps a flood from one address off everyone
 * else's counters; one object per origin ("global:<origin>") holds the server-wide ceilings.
 */
export class RateLimiter extends DurableObject<Env> {
  take(rule: Rule): Taken {
    const now = Date.now();
    const windowMs = rule.windowSeconds * 1000;
    const log = this.current(rule.name, windowMs, now);
    if (log.t.length >= rule.limit) {
      return { ok: false, retryAfter: Math.max(1, Math.ceil((log.t[0]! + windowMs - now) / 1000)) };
    }
    log.t.push(now);
    this.ctx.storage.kv.put(rule.name, log);
    this.pruneLater(now + windowMs);
    return { ok: true };
  }

  /** Gives back the latest take: the passphrase was right, so it was no guess. */
  refund(name: string): void {
    const log = this.ctx.storage.kv.get<Log>(name);
    if (!log?.t.length) return;
    log.t.pop();
    this.ctx.storage.kv.put(name, log);
  }

  /** Drops what has left every window, so an address seen once leaves nothing behind. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let next = 0;
    for (const [name, log] of this.ctx.storage.kv.list<Log>()) {
      const kept = log.t.filter((t) => t > now - log.w);
      if (kept.length === 0) this.ctx.storage.kv.delete(name);
      else {
        if (kept.length !== log.t.length) this.ctx.storage.kv.put(name, { w: log.w, t: kept });
        next = Math.max(next, kept[kept.length - 1]! + log.w);
      }
    }
    if (next) await this.ctx.storage.setAlarm(next);
  }

  private current(name: string, windowMs: number, now: number): Log {
    const stored = this.ctx.storage.kv.get<Log>(name);
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
