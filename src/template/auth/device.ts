import { base64url, fromBase64url, sha256 } from "../encoding.js";
import { readCookie } from "./cookie.js";

/**
 * A browser that has signed in here before (the device cookie of OWASP's guidance on blocking
 * brute-force attacks). After a successful sign-in the browser gets a `__Host-` cookie holding a
 * random device id, its expiry and an HMAC of both under a key derived from the identity's own
 * secret (the passphrase, the development code, or the upstream client secret when
 * AUTH_ALLOWED_USERS names who may sign in: open to every account, a sign-in proves nothing
 * about a browser, and minting cookies would be a way round the limits). A request that
 * carries a valid one is counted against that browser's own small budget (LIMITS.*.browser in
 * ./guards/limits.ts) instead of its address's, its network's and the server-wide ones: however
 * many networks an attacker uses to fill those, the owner's browser still gets in. Nobody can
 * make such a cookie without the secret; one that was stolen buys its thief that one small
 * budget. Changing the secret forgets every browser. The cookie is re-issued on each sign-in, so
 * a browser in use stays trusted; one unused for 30 days is a stranger again.
 */
const COOKIE = "__Host-mcp-device";
const TTL_SECONDS = 30 * 86400;

/** The Set-Cookie value that makes this browser a trusted one (a new id each time). */
export async function deviceCookie(secret: string): Promise<string> {
  const id = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const expires = Math.floor(Date.now() / 1000) + TTL_SECONDS;
  const payload = `${id}.${expires}`;
  return `${COOKIE}=${payload}.${await mac(secret, payload)}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${TTL_SECONDS}`;
}

/** The device id of a valid, unexpired device cookie on this request, or undefined. */
export async function trustedDevice(request: Request, secret: string): Promise<string | undefined> {
  const value = readCookie(request, COOKIE);
  const match = value && /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  const [, id, expires, signature] = match as unknown as [string, string, string, string];
  if (Number(expires) * 1000 <= Date.now()) return undefined;
  let given: Uint8Array;
  try {
    given = fromBase64url(signature);
  } catch {
    return undefined;
  }
  const payload = new TextEncoder().encode(`${id}.${expires}`);
  return (await crypto.subtle.verify("HMAC", await hmacKey(secret), given, payload)) ? id : undefined;
}

async function mac(secret: string, payload: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(payload));
  return base64url(new Uint8Array(signature));
}

/** A key for this purpose only, derived from the identity's secret (which is never used as is). */
async function hmacKey(secret: string): Promise<CryptoKey> {
  const material = await sha256(`mcp-template device cookie\n${secret}`);
  return crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}
