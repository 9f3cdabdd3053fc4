import { base64url, hex, sameSecret, sha256 } from "../encoding.js";

/**
 * The consent form's binding to the browser that was shown it, kept in the browser instead of KV:
 * the page carries a random handle in a hidden field and the browser a `__Host-` cookie holding
 * its hash (double submit). A page elsewhere can make the browser post, but it can neither read
 * the handle nor set a `__Host-` cookie, so its post is refused before anything is evaluated.
 * Showing the page stores nothing, so an anonymous GET /authorize costs no KV write (the
 * provider's own consent transactions write one per page view). Each page gets its own cookie,
 * so two sign-ins in one browser do not collide; it lasts 10 minutes and is cleared on use.
 */
const COOKIE = "__Host-mcp-consent";
const TTL_SECONDS = 600;

export async function newBinding(): Promise<{ handle: string; cookie: string }> {
  const handle = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const hash = hex(await sha256(handle));
  return {
    handle,
    cookie: `${cookieName(hash)}=${hash}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${TTL_SECONDS}`,
  };
}

/** The cookie to clear once the form has been answered; undefined when the handle is not bound here. */
export async function checkBinding(request: Request, handle: string): Promise<string | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(handle)) return undefined;
  const hash = hex(await sha256(handle));
  const name = cookieName(hash);
  const bound = readCookie(request, name);
  if (!bound || !(await sameSecret(bound, hash))) return undefined;
  return `${name}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`;
}

function cookieName(hash: string): string {
  return `${COOKIE}-${hash.slice(0, 16)}`;
}

function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("Cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
