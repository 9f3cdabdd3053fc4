import { clientAddress } from "../../client-address.js";
import { sameSecret } from "../../encoding.js";
import { isLoopback } from "../../loopback.js";
import type { User } from "../../types.js";
import { deviceCookie } from "../device.js";
import { grantAccess } from "../grant.js";
import { refund, refusalMessage, take } from "../guards/limits.js";
import type { AuthContext, Identity, Verdict } from "./types.js";
import { SignInNotConfigured, WeakPassphrase } from "./unconfigured.js";

const FAILURE_DELAY_MS = 400;
/** Shorter than this, a passphrase is refused anywhere but localhost. */
export const MIN_PASSPHRASE_LENGTH = 16;
/** The placeholder in .dev.vars.example: known to everyone who read it. */
const EXAMPLE_PASSPHRASE = "change-me-to-something-long-and-random";

const owner: User = { id: "owner", provider: "passphrase", name: "Server owner" };
const developer: User = { id: "local", provider: "dev", name: "Local developer" };

/**
 * The default: whoever knows the secret AUTH_PASSPHRASE is the server's one user. Without it, a
 * server on localhost asks for a one-time development code that it prints in the `wrangler dev`
 * terminal (see devCode); anywhere else nobody gets in until the secret is set.
 */
export function passphraseIdentity(ctx: Pick<AuthContext, "config" | "origin">): Identity {
  const secret = ctx.config.oauth.secrets.passphrase;
  const local = isLoopback(new URL(ctx.origin).hostname);
  if (secret) {
    if (!local && (secret.length < MIN_PASSPHRASE_LENGTH || secret === EXAMPLE_PASSPHRASE)) {
      throw new WeakPassphrase(MIN_PASSPHRASE_LENGTH);
    }
    return {
      form: { kind: "passphrase" },
      deviceSecret: secret,
      verify: (c, form) => checkSecret(c, form.get("passphrase"), secret, "passphrase"),
      signIn: async ({ c, helpers, config }, approved) =>
        grantAccess(helpers, config.oauth, approved.request, owner, await trusted(approved.headers, secret), c.env),
    };
  }
  if (local) {
    // Printed whenever the page is shown or answered, to be at hand; `npm run dev` (scripts/dev.mjs)
    // asks for this page once the server is up, so the code is in its terminal from the start.
    const code = devCode();
    return {
      form: { kind: "dev" },
      deviceSecret: code,
      // Typed as it reads: letters in either case.
      verify: (c, form) => checkSecret(c, upperCase(form.get("code")), code, "development code"),
      signIn: async ({ c, helpers, config }, approved) =>
        grantAccess(helpers, config.oauth, approved.request, developer, await trusted(approved.headers, code), c.env),
    };
  }
  throw new SignInNotConfigured(["AUTH_PASSPHRASE"]);
}

let code: string | undefined;

/**
 * Development mode's stand-in for a passphrase: random, made once per isolate, and written only
 * to the Worker's log, which is the `wrangler dev` terminal. Nothing in a request proves it came
 * from this machine: under `wrangler dev` the Host header, CF-Connecting-IP and X-Forwarded-*
 * are all passed through as the client sent them, so with `--ip 0.0.0.0` anyone on the network
 * can claim to be localhost. Reading the terminal is what proves it.
 */
export function devCode(): string {
  if (!code) {
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const bytes = crypto.getRandomValues(new Uint8Array(10));
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
    code = `${chars.slice(0, 5)}-${chars.slice(5)}`;
  }
  // A warning, so it shows even under `wrangler dev --log-level warn`.
  console.warn(`Development sign-in code (no AUTH_PASSPHRASE is set; a new one when the server reloads): ${code}`);
  return code;
}

function upperCase(value: ReturnType<FormData["get"]>): ReturnType<FormData["get"]> {
  return typeof value === "string" ? value.toUpperCase() : value;
}

/** The answer's headers, with the cookie that lets this browser past the anonymous limits next time. */
async function trusted(headers: Headers | undefined, secret: string): Promise<Headers> {
  const h = new Headers(headers);
  h.append("Set-Cookie", await deviceCookie(secret));
  return h;
}

/**
 * Constant-time check, counted before it happens: each evaluation takes a slot from this
 * address's, its networks' and the server-wide allowances (LIMITS.passphrase), or from a trusted
 * browser's own, atomically in a Durable Object, so guesses sent all at once are counted one by
 * one. A right answer gives its slot back; a wrong one costs the guesser a short delay as well.
 */
async function checkSecret(
  ctx: AuthContext,
  given: ReturnType<FormData["get"]>,
  secret: string,
  what: string,
): Promise<Verdict> {
  const env = ctx.c.env;
  const who = { address: clientAddress(ctx.c.req.raw), origin: ctx.origin, device: ctx.device };
  const taken = await take(env, who, "passphrase");
  if (!taken.ok) {
    return {
      ok: false,
      status: 429,
      message: refusalMessage("passphrase", taken, `${what} attempts`),
      retryAfter: taken.retryAfter,
    };
  }
  if (typeof given === "string" && (await sameSecret(given.trim(), secret))) {
    await refund(env, who, "passphrase");
    return { ok: true };
  }
  await new Promise((resolve) => setTimeout(resolve, FAILURE_DELAY_MS));
  return { ok: false, status: 403, message: `That ${what} is not right. Nothing was shared; try again.` };
}
