/**
 * What the strings this server issues look like, so anything else is refused before it becomes
 * part of a KV key (KV refuses keys over 512 bytes by throwing, which used to surface as a 500).
 * Codes, access and refresh tokens are `userId:grantId:secret`: the user id is this server's
 * encodeURIComponent output (src/template/auth/grant.ts keeps it short), the grant id 16 and the secret 32
 * characters of the provider's alphabet.
 */
export const ISSUED_TOKEN = /^[A-Za-z0-9\-_.!~*'()%]{1,200}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{32}$/;

/** A client_id: one the provider issued (16 characters, or a custom one of up to 128), or a CIMD URL. */
export function isClientIdShape(id: string): boolean {
  return /^[A-Za-z0-9._~-]{1,128}$/.test(id) || /^https:\/\/[\x21-\x7e]{1,248}$/.test(id);
}

/** RFC 7636 §4.1: 43 to 128 unreserved characters (a verifier); §4.2: S256 challenges are 43 base64url. */
export const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
export const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

/** For logs: a client-chosen value, bounded and with every control character escaped (no forged lines). */
export function logValue(value: unknown, max = 120): string {
  const s = typeof value === "string" ? value : String(value);
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}
