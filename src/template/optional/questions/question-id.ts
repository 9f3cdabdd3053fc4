/**
 * The JSON-RPC id of a question this server asks a 2025-era client, and the only way an answer
 * reaches a Mailbox (./mailbox.ts):
 *
 *   ask.<mailbox>.<key>.<expires>.<signature>
 *
 * `mailbox` names the asking caller's object (a digest of who the caller is), `key` the question
 * in it (128 random bits), `expires` when it lapses (seconds since the epoch, base 36), and the
 * signature is HMAC-SHA256 over those and the owner: the signed-in user, the OAuth client and the
 * 2025-era session id the question was asked in. The Worker checks all of it before it names an
 * object: a made-up, altered, lapsed or someone else's id is refused without waking anything.
 */

import { base64url, fromBase64url, sha256 } from "../../encoding.js";

/** What an id names once its signature, owner and lifetime are checked. */
export interface Question {
  mailbox: string;
  key: string;
}

const PREFIX = "ask.";
const PART = "[A-Za-z0-9_-]{22}";
const ID = new RegExp(`^ask\\.(${PART})\\.(${PART})\\.([0-9a-z]{1,10})\\.([A-Za-z0-9_-]{43})$`);
/** Domain separation: the same secret signs other things (src/template/mcp/request-state.ts). */
const PURPOSE = "mcp-question-id.v1";

/** Whether `id` is in the shape of this server's question ids (answers to anything else are not ours). */
export function looksLikeQuestion(id: unknown): id is string {
  return typeof id === "string" && id.startsWith(PREFIX);
}

/** A fresh question in `mailbox`: its wire id, its key and when it lapses (ms since the epoch). */
export async function newQuestion(
  secret: string,
  owner: string,
  mailbox: string,
  lifetimeMs: number,
): Promise<{ id: string; key: string; expires: number }> {
  const key = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const seconds = Math.ceil((Date.now() + lifetimeMs) / 1000);
  const body = `${mailbox}.${key}.${seconds.toString(36)}`;
  const signature = base64url(await sign(secret, body, owner));
  return { id: `${PREFIX}${body}.${signature}`, key, expires: seconds * 1000 };
}

/** The question `id` names, if this server signed it for `owner` and it has not lapsed. */
export async function readQuestion(secret: string, owner: string, id: string): Promise<Question | undefined> {
  const parts = ID.exec(id);
  if (!parts) return undefined;
  const [, mailbox, key, expires, signature] = parts as unknown as [string, string, string, string, string];
  if (Number.parseInt(expires, 36) * 1000 <= Date.now()) return undefined;
  // One spelling per signature: fromBase64url refuses the others.
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(signature);
  } catch {
    return undefined;
  }
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret),
    bytes,
    utf8.encode(message(`${mailbox}.${key}.${expires}`, owner)),
  );
  return valid ? { mailbox, key } : undefined;
}

/** A caller's mailbox name: a digest of who the caller is, so its length and content are fixed. */
export async function mailboxName(caller: string): Promise<string> {
  return base64url((await sha256(`${PURPOSE}\0mailbox\0${caller}`)).slice(0, 16));
}

const utf8 = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", utf8.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    // One secret per deployment (two on localhost before one is set): nothing to evict.
    keys.set(secret, key);
  }
  return key;
}

async function sign(secret: string, body: string, owner: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), utf8.encode(message(body, owner))));
}

function message(body: string, owner: string): string {
  return `${PURPOSE}\0${body}\0${owner}`;
}
