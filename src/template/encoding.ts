/**
 * The byte encodings, hash and secret comparison the harness uses, written once: base64 and
 * base64url (RFC 4648 §4 and §5), hex, SHA-256 (Web Crypto) and a comparison of secrets that takes
 * the same time wherever they differ. Text is hashed and encoded as UTF-8.
 */

const utf8 = new TextEncoder();

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? utf8.encode(data) : data;
}

/** Base64 with padding (`+`, `/`, `=`): Content-Security-Policy hashes, data in URLs that ask for it. */
export function base64(data: string | Uint8Array): string {
  // One character per byte, in a loop: spreading a large array into fromCharCode overflows the stack.
  let binary = "";
  for (const byte of bytesOf(data)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Base64url without padding (`-`, `_`): tokens, ids, PKCE (RFC 7636 §4.2). */
export function base64url(data: string | Uint8Array): string {
  return base64(data).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The bytes of unpadded base64url; throws on any other character, on `=`, and on a spelling that
 * `base64url` would not write. The last character carries spare bits that decoders ignore, so
 * without that check one signature or id would have several spellings (a cookie with its last
 * character changed from A to B would still verify).
 */
export function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (base64url(bytes) !== text) throw new Error("not canonical base64url");
  return bytes;
}

/** Lower-case hex, two digits a byte. */
export function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** SHA-256 of bytes, or of text as UTF-8. */
export async function sha256(data: string | Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytesOf(data)));
}

/**
 * Whether two secrets are equal, in time that does not depend on where they differ or on their
 * lengths: both are hashed first, so the runtime's timing-safe comparison always sees 32 bytes
 * (it throws on different lengths, and comparing lengths first would tell them apart).
 */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  return crypto.subtle.timingSafeEqual(x, y);
}
