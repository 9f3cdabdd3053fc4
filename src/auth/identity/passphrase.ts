import { isLoopback } from "../../loopback.js";
import { grantAccess } from "../grant.js";
import type { User } from "../user.js";
import type { AuthContext, Identity, Verdict } from "./types.js";
import { SignInNotConfigured } from "./unconfigured.js";

const MAX_FAILURES = 5;
const WINDOW_SECONDS = 15 * 60;
const FAILURE_DELAY_MS = 400;

const owner: User = { id: "owner", provider: "passphrase", name: "Server owner" };
const developer: User = { id: "local", provider: "dev", name: "Local developer" };

/**
 * The default: whoever knows the secret AUTH_PASSPHRASE is the server's one user. Without it, a
 * server on localhost lets the developer in (with a banner saying so); anywhere else nobody gets
 * in until the secret is set.
 */
export function passphraseIdentity(ctx: Pick<AuthContext, "config" | "origin">): Identity {
  const secret = ctx.config.oauth.secrets.passphrase;
  if (secret) {
    return {
      form: { kind: "passphrase" },
      verify: (c, form) => checkPassphrase(c, form.get("passphrase"), secret),
      signIn: ({ helpers, config }, approved) =>
        grantAccess(helpers, config.oauth, approved.request, owner, approved.headers),
    };
  }
  if (isLoopback(new URL(ctx.origin).hostname)) {
    return {
      form: { kind: "dev" },
      verify: async () => ({ ok: true }),
      signIn: ({ helpers, config }, approved) =>
        grantAccess(helpers, config.oauth, approved.request, developer, approved.headers),
    };
  }
  throw new SignInNotConfigured(["AUTH_PASSPHRASE"]);
}

/**
 * Constant-time check, and a brake on guessing: each failure costs the guesser a delay, and after
 * MAX_FAILURES from one IP within the window every attempt is refused without being checked. The
 * counter lives in KV, which is eventually consistent across locations, so it slows a guesser
 * down rather than stopping one exactly; a long random passphrase is the real defence.
 */
async function checkPassphrase(ctx: AuthContext, given: ReturnType<FormData["get"]>, secret: string): Promise<Verdict> {
  const kv = ctx.c.env.OAUTH_KV;
  const key = `app:passphrase-failures:${ctx.c.req.header("CF-Connecting-IP") ?? "unknown"}`;
  const failures = Number(await kv.get(key)) || 0;
  if (failures >= MAX_FAILURES) {
    return {
      ok: false,
      status: 429,
      message: `Too many wrong passphrases from your address. Try again in ${WINDOW_SECONDS / 60} minutes.`,
      retryAfter: WINDOW_SECONDS,
    };
  }
  if (typeof given === "string" && (await sameSecret(given, secret))) {
    if (failures > 0) await kv.delete(key);
    return { ok: true };
  }
  await kv.put(key, String(failures + 1), { expirationTtl: WINDOW_SECONDS });
  await new Promise((resolve) => setTimeout(resolve, FAILURE_DELAY_MS));
  return { ok: false, status: 403, message: "That passphrase is not right. Nothing was shared; try again." };
}

/** Hashing first makes both sides the same length, so the comparison leaks neither. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [x, y] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(x, y);
}
