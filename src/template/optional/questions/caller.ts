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
 * OAuth client; without, the client's address (IPv6 by its /64, which one client usually holds
 * whole). Anything unparseable shares one quota.
 */
export function quotaOf({ user, authInfo, request }: Caller): string {
  if (user) return `user ${user.provider}:${user.id} client ${authInfo?.clientId ?? ""}`;
  const ip = request.headers.get("CF-Connecting-IP")?.trim() ?? "";
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(ip)) return `address ${ip}`;
  if (/^[0-9a-f:]{2,39}$/i.test(ip) && ip.includes(":")) return `address ${ipv6Prefix64(ip)}::/64`;
  return "address unknown";
}

/** The first four groups of an IPv6 address, written out. */
function ipv6Prefix64(ip: string): string {
  const [head = "", tail] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(Math.max(0, 8 - left.length - right.length)).fill("0");
  return [...left, ...zeros, ...right]
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":");
}
