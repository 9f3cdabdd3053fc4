import { base64url, hex, sameSecret, sha256 } from "../encoding.js";
import { readCookie } from "./cookie.js";

/**
 * The consent form's binding to the browser that was shown it and to the authorization request it
 * was shown for, kept in the browser instead of KV: the page carries a random handle in a hidden
 * field, and the browser a `__Host-` cookie named after the handle's hash whose value is the hash
 * of the handle together with the request's parameters (client, redirect URI, PKCE challenge,
 * scopes, resource, state). A page elsewhere can make the browser post, but it can neither read the
 * handle nor set a `__Host-` cookie, so its post is refused before anything is evaluated; and a
 * form posted to the URL of another request (another client, another challenge) does not match
 * its cookie. Showing the page stores nothing, so an anonymous GET /authorize costs no KV write.
 * Each page gets its own cookie, so two sign-ins in one browser do not collide; it lasts 10
 * minutes and is cleared on use. That a handle is used once even when its form is posted many
 * times at once is `spendOnce`'s job (./guards/limits.ts), keyed by `handleKey`.
 */
const COOKIE = "__Host-mcp-consent";
export const BINDING_TTL_SECONDS = 600;

export type Binding =
  | { ok: true; clearCookie: string }
  /** No cookie for this handle here: shown in another browser, expired, used, or made up. */
  | { ok: false; reason: "unknown" }
  /** The cookie is there, for another authorization request than the one in this URL. */
  | { ok: false; reason: "another-request" };

export async function newBinding(url: URL): Promise<{ handle: string; cookie: string }> {
  const handle = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const name = cookieName(hex(await sha256(handle)));
  const value = hex(await sha256(`${handle}\n${requestKey(url)}`));
  return { handle, cookie: `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${BINDING_TTL_SECONDS}` };
}

/** Whether `handle` was shown in this browser for the authorization request in `url`. */
export async function checkBinding(request: Request, url: URL, handle: string): Promise<Binding> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(handle)) return { ok: false, reason: "unknown" };
  const name = cookieName(hex(await sha256(handle)));
  const bound = readCookie(request, name);
  if (!bound) return { ok: false, reason: "unknown" };
  if (!(await sameSecret(bound, hex(await sha256(`${handle}\n${requestKey(url)}`))))) {
    return { ok: false, reason: "another-request" };
  }
  return { ok: true, clearCookie: `${name}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0` };
}

/** What names a handle for its one use: the hash of it, never the handle itself. */
export async function handleKey(handle: string): Promise<string> {
  return hex(await sha256(handle));
}

/**
 * The authorization request as its parameters, in one spelling: the form posts back to the
 * page's own URL, so these are exactly what the page was shown for. Every parameter counts
 * (an added one is another request too); they are bounded before this (consent.ts).
 */
function requestKey(url: URL): string {
  const pairs = [...url.searchParams].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify(pairs);
}

function cookieName(hash: string): string {
  return `${COOKIE}-${hash.slice(0, 16)}`;
}
