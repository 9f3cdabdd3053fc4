/**
 * How an API key is made and stored: shared by the Worker (./api-keys.ts, which checks keys) and
 * `npm run keys` (scripts/keys.ts, which makes them), so both agree on every byte. Web Crypto
 * only, and no imports: Node runs this file as it is.
 */

/** `mcpk_`, a 12-character id, `_`, 43 base64url characters (256 random bits). */
export const API_KEY = /^mcpk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** Where a key's record lives in OAUTH_KV: `apikey:<id>`. */
export const API_KEY_PREFIX = "apikey:";
/** Who a key acts as: a short name of letters, digits and `.-_@+`. */
export const KEY_USER = /^[A-Za-z0-9._@+-]{1,64}$/;
/** A key's label: up to 64 printable characters. */
export const KEY_NAME = /^[\x20-\x7e]{1,64}$/;

/** What KV holds for a key (its metadata is the same without the hash, for listing). */
export interface StoredKey {
  /** base64url SHA-256 of the whole key. */
  hash: string;
  /** The user the key acts as: a tool's `ctx.user.id` (with `provider` `key`). */
  user: string;
  scopes: string[];
  /** What the key is for, to recognise it in a list. */
  name?: string;
  /** When it was made (ISO 8601). */
  created?: string;
}

/** A new key: the key itself (shown once, kept nowhere), its id, and the record to store. */
export async function createApiKey(options: {
  user: string;
  scopes: readonly string[];
  name?: string;
  now?: Date;
}): Promise<{ key: string; id: string; stored: StoredKey }> {
  const id = randomText(12, ALPHANUMERIC);
  const key = `mcpk_${id}_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  const stored: StoredKey = {
    hash: await hashApiKey(key),
    user: options.user,
    scopes: [...options.scopes],
    ...(options.name && { name: options.name }),
    created: (options.now ?? new Date()).toISOString(),
  };
  return { key, id, stored };
}

/** base64url SHA-256 of a key, as its record stores it. */
export async function hashApiKey(key: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key))));
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `length` characters of `alphabet`, uniformly (bytes past the last whole multiple are drawn again). */
function randomText(length: number, alphabet: string): string {
  const ceiling = 256 - (256 % alphabet.length);
  let text = "";
  while (text.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < ceiling && text.length < length) text += alphabet[byte % alphabet.length];
    }
  }
  return text;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
