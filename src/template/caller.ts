import type { User } from "./types.js";

/**
 * Who is calling /mcp, as the per-caller limits count them (src/template/http/caller-limits.ts):
 * with OAuth, a user through one client (the same user in two clients is two callers); with an
 * API key, the user the key names (all of that user's keys together); without auth, the client's
 * address (an IPv6 client by its /64, which one subscriber usually holds whole).
 */
export type Caller =
  | { auth: "oauth"; user: User; clientId: string }
  | { auth: "key"; user: User; keyId: string }
  | { auth: "none"; address: string };

/**
 * The caller as a counter key: bounded, and with nothing a client chose in clear (a client id can
 * be a Client ID Metadata Document URL of any length; user ids come from the identity provider):
 * those are hashed. Remembered per isolate, so a caller's next request costs no hash.
 */
export function callerKey(caller: Caller): Promise<string> {
  if (caller.auth === "none") return Promise.resolve(`a ${caller.address}`);
  const name =
    caller.auth === "oauth"
      ? `o ${caller.user.provider}:${caller.user.id}\n${caller.clientId}`
      : `k ${caller.user.provider}:${caller.user.id}`;
  let key = keys.get(name);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = digest(name).then((hash) => `${caller.auth === "oauth" ? "o" : "k"} ${hash}`);
    keys.set(name, key);
  }
  return key;
}

const MAX_KEYS = 512;
const keys = new Map<string, Promise<string>>();
const encoder = new TextEncoder();

/** The first 128 bits of SHA-256, base64url: 22 characters. */
async function digest(text: string): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)), 0, 16);
  return btoa(String.fromCharCode(...hash))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
