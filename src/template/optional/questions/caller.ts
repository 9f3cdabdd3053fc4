import { clientAddress } from "../../client-address.js";
import type { Caller } from "../../mcp/seams.js";

/**
 * Who may answer a question: who asked it, in which session (the signed-in user, or "anonymous",
 * the OAuth client, and the 2025-era session id). Signed into the question's id.
 */
export function ownerOf({ user, authInfo, sessionId }: Caller): string {
  return JSON.stringify([
    user ? `${user.provider}:${user.id}` : "anonymous",
    authInfo?.clientId ?? "",
    sessionId ?? "",
  ]);
}

/**
 * Whose quota of open questions a question counts against: with OAuth the signed-in user and the
 * OAuth client; without, the client's address (an IPv4 address, or an IPv6 /64, which one client
 * usually holds whole; ../../client-address.ts). Anything unparseable shares one quota.
 */
export function quotaOf({ user, authInfo, request }: Caller): string {
  if (user) return `user ${user.provider}:${user.id} client ${authInfo?.clientId ?? ""}`;
  return `address ${clientAddress(request).tiers[0]!.key}`;
}
