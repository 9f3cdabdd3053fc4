import { isLoopback } from "../loopback.js";
import type { User } from "../types.js";

/**
 * The user a log line names, as an id that cannot be turned back into the user: the first 16 hex
 * digits of HMAC-SHA256(LOG_USER_SECRET, "<provider>:<id>"). Keyed, because user ids are few and
 * guessable (a GitHub id is a number): an unkeyed hash of one is found by hashing them all. The
 * same user has the same id on every request, in every isolate, as long as the secret stays.
 * Without the secret: on localhost (wrangler dev) a key of the isolate's own, so the field is
 * there while developing; deployed, no user id at all.
 */
export function logUserId(user: User, secret: string | undefined, origin: string): Promise<string> | undefined {
  if (secret === undefined && !isLoopback(new URL(origin).hostname)) return undefined;
  const keyed = keyFor(secret);
  const name = `${user.provider}:${user.id}`;
  let id = keyed.ids.get(name);
  if (!id) {
    if (keyed.ids.size >= MAX_IDS) keyed.ids.clear();
    id = keyed.key.then(async (key) => hex(await crypto.subtle.sign("HMAC", key, encoder.encode(name))));
    keyed.ids.set(name, id);
  }
  return id;
}

/** Users an isolate remembers the id of (one HMAC each saved); past it, all are forgotten. */
const MAX_IDS = 256;
const encoder = new TextEncoder();

interface Keyed {
  key: Promise<CryptoKey>;
  ids: Map<string, Promise<string>>;
}

let current: { secret: string | undefined; keyed: Keyed } | undefined;

function keyFor(secret: string | undefined): Keyed {
  if (current && current.secret === secret) return current.keyed;
  const material = secret === undefined ? crypto.getRandomValues(new Uint8Array(32)) : encoder.encode(secret);
  const key = crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const keyed: Keyed = { key, ids: new Map() };
  current = { secret, keyed };
  return keyed;
}

function hex(mac: ArrayBuffer): string {
  return [...new Uint8Array(mac, 0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
