import type { Address } from "../../client-address.js";
import type { Counter } from "./rate-limiter.js";

/** What a 429 names: "from your address", "from your network", "on this server", "from this browser". */
export type Tier = "address" | "site" | "network" | "server" | "browser";

interface Policy {
  /** What is counted, as a 429 names it ("Too many registrations…"). */
  noun: string;
  windowSeconds: number;
  /** Per IPv4 address or IPv6 /64. */
  address: number;
  /** Per IPv6 /56 (IPv4 has no such tier). */
  site: number;
  /** Per IPv4 /24 or IPv6 /48. */
  network: number;
  /**
   * Everyone together. The last `keptForNewNetworks` of them are only for networks that have not
   * taken one yet in the window: to shut out a newcomer, an attacker needs that many networks.
   */
  server?: { limit: number; keptForNewNetworks: number };
  /** Instead of all of the above, for a browser that signed in here before (./device.ts). */
  browser?: number;
}

/**
 * What each action may do. The windows and numbers are chosen so that no one network can use up
 * what protects everyone (a /48 or a /24 takes at most a fifth of any server-wide ceiling, and
 * only newcomers can take its last half), and so that the KV writes anonymous clients can cause
 * stay bounded: registrations and upstream sign-in starts write one key each, so at most 30 + 30
 * an hour per network and 1,000 + 1,000 an hour in all (docs/oauth.md, "Security promises").
 * GET /authorize, wrong passphrases and refused token requests write nothing.
 */
export const LIMITS = {
  /** Passphrase (and development code) evaluations: right ones are given back. */
  passphrase: policy("passphrase attempts", 15 * 60, [5, 10, 20], { limit: 100, keptForNewNetworks: 50 }, 10),
  /** Dynamic client registrations: each writes one KV key. Not counted on a loopback origin. */
  register: policy("registrations", 3600, [10, 20, 30], { limit: 1000, keptForNewNetworks: 500 }),
  /** Sign-in starts with GitHub/OIDC: each writes one KV key (the upstream transaction). */
  upstream: policy("sign-ins", 3600, [10, 20, 30], { limit: 1000, keptForNewNetworks: 500 }, 10),
  /** Consent page views and answers, and upstream callbacks. */
  authorize: policy("sign-in requests", 60, [60, 120, 240]),
  /** Token requests (code exchange, refresh, revocation). */
  token: policy("token requests", 60, [60, 120, 240]),
} satisfies Record<string, Policy>;

export type Action = keyof typeof LIMITS;

function policy(
  noun: string,
  windowSeconds: number,
  [address, site, network]: [number, number, number],
  server?: Policy["server"],
  browser?: number,
): Policy {
  return { noun, windowSeconds, address, site, network, ...(server && { server }), ...(browser && { browser }) };
}

/** How many `tier` may take of `action` in its window. */
export function limitOf(action: Action, tier: Tier): number {
  const rule: Policy = LIMITS[action];
  switch (tier) {
    case "address":
      return rule.address;
    case "site":
      return rule.site;
    case "network":
      return rule.network;
    case "server":
      return rule.server?.limit ?? Number.POSITIVE_INFINITY;
    case "browser":
      return rule.browser ?? Number.POSITIVE_INFINITY;
  }
}

/** Who is counted: where the request came from, this server's origin, and a trusted browser's id. */
export interface Who {
  address: Address;
  /** The canonical origin: one server-wide ceiling per server identity. */
  origin: string;
  /** A browser that signed in here before (./device.ts): counted on its own. */
  device?: string;
}

/** A refusal: which limit was met, and when a slot frees. */
export type Refusal = { ok: false; tier: Tier; retryAfter: number };
export type Verdict = { ok: true } | Refusal;

export class LimiterUnavailable extends Error {
  override name = "LimiterUnavailable";
}

/**
 * Takes one `action` for this caller: from a trusted browser's own budget, or else from its
 * address and networks (one atomic call to the network's object), then from the server-wide
 * ceiling. If the counters cannot be reached, LimiterUnavailable: callers fail closed, because an
 * uncounted guess is exactly what the limit exists to stop.
 */
export async function take(env: Env, who: Who, action: Action): Promise<Verdict> {
  const rule: Policy = LIMITS[action];
  const windowMs = rule.windowSeconds * 1000;
  try {
    if (who.device && rule.browser) {
      const taken = await limiter(env, `device:${who.device}`).take([{ key: action, limit: rule.browser, windowMs }]);
      return taken.ok ? { ok: true } : { ok: false, tier: "browser", retryAfter: taken.retryAfter };
    }
    const counters = networkCounters(who.address, action, rule);
    const mine = await limiter(env, `net:${who.address.network}`).take(counters);
    if (!mine.ok) return { ok: false, tier: who.address.tiers[mine.refusedBy]!.tier, retryAfter: mine.retryAfter };
    if (!rule.server) return { ok: true };
    // This network's first in the window may use the whole ceiling; the others only its first part.
    const first = mine.counts[mine.counts.length - 1] === 1;
    const { limit, keptForNewNetworks } = rule.server;
    const all = await limiter(env, `server:${who.origin}`).take([
      { key: action, limit: first ? limit : limit - keptForNewNetworks, windowMs },
    ]);
    if (all.ok) return { ok: true };
    // Not done, so not counted against the network either.
    await limiter(env, `net:${who.address.network}`).refund(counters.map((c) => c.key));
    return { ok: false, tier: "server", retryAfter: all.retryAfter };
  } catch (error) {
    console.error("rate limiter unavailable:", error instanceof Error ? error.message : String(error));
    throw new LimiterUnavailable("rate limiter unavailable");
  }
}

/** Gives one `action` back to everything `take` took it from (a right passphrase). */
export async function refund(env: Env, who: Who, action: Action): Promise<void> {
  const rule: Policy = LIMITS[action];
  if (who.device && rule.browser) {
    await limiter(env, `device:${who.device}`).refund([action]);
    return;
  }
  await limiter(env, `net:${who.address.network}`).refund(networkCounters(who.address, action, rule).map((c) => c.key));
  if (rule.server) await limiter(env, `server:${who.origin}`).refund([action]);
}

/**
 * Whether this is the first use of `key` within `seconds`: exactly one of any number of
 * simultaneous calls gets `true` (a consent form's one approval, ../consent-binding.ts).
 */
export async function spendOnce(env: Env, key: string, seconds: number): Promise<boolean> {
  try {
    const taken = await limiter(env, `once:${key}`).take([{ key: "once", limit: 1, windowMs: seconds * 1000 }]);
    return taken.ok;
  } catch (error) {
    console.error("rate limiter unavailable:", error instanceof Error ? error.message : String(error));
    throw new LimiterUnavailable("rate limiter unavailable");
  }
}

function networkCounters(address: Address, action: Action, rule: Policy): Counter[] {
  const windowMs = rule.windowSeconds * 1000;
  return address.tiers.map(({ tier, key }) => ({ key: `${action} ${key}`, limit: limitOf(action, tier), windowMs }));
}

const FROM: Record<Tier, string> = {
  address: "from your address",
  site: "from your network",
  network: "from your network",
  server: "on this server from many networks",
  browser: "from this browser",
};

/**
 * What a 429 says: which limit was met, how many it allows, and when to try again, e.g. "Too many
 * registrations from your network (at most 30 an hour). Try again in 58 minutes."
 */
export function refusalMessage(action: Action, { tier, retryAfter }: Refusal, noun = LIMITS[action].noun): string {
  const rule: Policy = LIMITS[action];
  const window =
    rule.windowSeconds === 60
      ? "a minute"
      : rule.windowSeconds === 3600
        ? "an hour"
        : `per ${rule.windowSeconds / 60} minutes`;
  const allowed = tier === "server" ? "" : ` (at most ${limitOf(action, tier)} ${window})`;
  const wait = retryAfter < 120 ? plural(retryAfter, "second") : plural(Math.ceil(retryAfter / 60), "minute");
  const trusted =
    tier === "server" && rule.browser ? " A browser that has signed in here before is not held back." : "";
  return `Too many ${noun} ${FROM[tier]}${allowed}. Try again in ${wait}.${trusted}`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

function limiter(env: Env, name: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}
