import type { Rule, Taken } from "./rate-limiter.js";

/**
 * What one client address, and everyone together, may do. Per-address limits slow one client;
 * the global ceilings bound what many addresses together can do, at the price that a large
 * enough crowd can use them up for everyone for a while (docs/oauth.md, "Security promises").
 *
 * The KV budget follows from these: an anonymous address can cause at most 10 registrations
 * (1 KV write each) and 10 upstream sign-in starts (1 write each) per hour, i.e. 20 KV writes an
 * hour; GET /authorize, wrong passphrases and refused token requests write nothing to KV. All
 * anonymous addresses together: at most 200 registrations and 200 upstream starts a day.
 */
export const LIMITS = {
  /** Passphrase (and development code) evaluations: right ones are given back. */
  passphrase: { perAddress: rule("passphrase", 5, 15 * 60), global: rule("passphrase", 50, 15 * 60) },
  /** Dynamic client registrations: each writes one KV key. */
  register: { perAddress: rule("register", 10, 3600), global: rule("register", 200, 86400) },
  /** Sign-in starts with GitHub/OIDC: each writes one KV key (the upstream transaction). */
  upstream: { perAddress: rule("upstream", 10, 3600), global: rule("upstream", 200, 86400) },
  /** Consent page views and answers, and upstream callbacks. */
  authorize: { perAddress: rule("authorize", 60, 60) },
  /** Token requests (code exchange, refresh, revocation). */
  token: { perAddress: rule("token", 60, 60) },
} satisfies Record<string, { perAddress: Rule; global?: Rule }>;

export type Action = keyof typeof LIMITS;

function rule(name: string, limit: number, windowSeconds: number): Rule {
  return { name, limit, windowSeconds };
}

/**
 * The client's address as a counter key: Cloudflare sets CF-Connecting-IP on every request (and
 * `wrangler dev` when the client did not). IPv6 clients usually hold a whole /64, so that is
 * what is counted. Anything unparseable shares one key.
 */
export function clientAddress(request: Request): string {
  const ip = request.headers.get("CF-Connecting-IP")?.trim() ?? "";
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(ip)) return ip;
  if (/^[0-9a-f:]{2,39}$/i.test(ip) && ip.includes(":")) return `${expandV6(ip).slice(0, 4).join(":")}::/64`;
  return "unknown";
}

function expandV6(ip: string): string[] {
  const [head = "", tail] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(Math.max(0, 8 - left.length - right.length)).fill("0");
  return [...left, ...zeros, ...right].map((part) => part.replace(/^0+(?=.)/, ""));
}

/**
 * Who is counted: the client address, and for the global ceilings the server's canonical origin
 * (one per server identity: with PUBLIC_URL set, exactly one).
 */
export interface Who {
  address: string;
  origin: string;
}

export class LimiterUnavailable extends Error {
  override name = "LimiterUnavailable";
}

/**
 * Takes one of `action` for this address (then from the origin's global ceiling, if any). Refused by
 * either: the seconds until a slot frees. If the counters cannot be reached, LimiterUnavailable:
 * callers fail closed, because an uncounted guess is exactly what the limit exists to stop.
 */
export async function take(env: Env, who: Who, action: Action): Promise<Taken> {
  const { perAddress, global } = LIMITS[action] as { perAddress: Rule; global?: Rule };
  try {
    const mine = await limiter(env, `address:${who.address}`).take(perAddress);
    if (!mine.ok || !global) return mine;
    return await limiter(env, `global:${who.origin}`).take(global);
  } catch (error) {
    console.error("rate limiter unavailable:", error instanceof Error ? error.message : String(error));
    throw new LimiterUnavailable("rate limiter unavailable");
  }
}

/** Gives one `action` back to this address and the global ceiling (a right passphrase). */
export async function refund(env: Env, who: Who, action: Action): Promise<void> {
  const { perAddress, global } = LIMITS[action] as { perAddress: Rule; global?: Rule };
  await limiter(env, `address:${who.address}`).refund(perAddress.name);
  if (global) await limiter(env, `global:${who.origin}`).refund(global.name);
}

function limiter(env: Env, name: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}
