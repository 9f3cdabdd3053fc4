import type { Config } from "./config.js";
import { isLoopback } from "./loopback.js";

/** The last URL `canonicalOrigin` parsed, and its origin. */
let last = { url: "", origin: "" };

/**
 * The origin this server is known by: PUBLIC_URL when set (a custom domain behind a proxy, say),
 * else the origin the request came to, so `wrangler dev`, workers.dev and a custom domain all
 * work without edits. The router decides it once per request (`c.get("origin")`); the OAuth gateway,
 * which runs before the router, once for the provider.
 */
export function canonicalOrigin(request: Request, config: Pick<Config, "publicUrl">): string {
  if (config.publicUrl) return config.publicUrl.origin;
  // Nearly every request to an isolate is to the same URL (POST /mcp): parse each URL once.
  const url = request.url;
  if (url !== last.url) last = { url, origin: new URL(url).origin };
  return last.origin;
}

/**
 * Whether a browser origin may call /mcp (MCP transport security; DNS-rebinding protection):
 * - PUBLIC_URL's origin, or one listed in ALLOWED_ORIGINS: yes;
 * - the origin the request came to: over https, where Cloudflare routes by Host so the Host is
 *   one of ours; over plain http (wrangler dev) only on a loopback host, because a DNS-rebinding
 *   page arrives with its own name in both Host and Origin;
 * - a loopback origin while the server itself runs on loopback (wrangler dev): yes;
 * - anything else ("null", garbage, other sites): no.
 * The router's guard (src/template/http/middleware/origin.ts) and CORS, and the OAuth gateway's CORS on
 * the provider's answers, all ask this one rule.
 */
export function isAllowedOrigin(
  origin: string,
  url: URL,
  config: Pick<Config, "publicUrl" | "allowedOrigins">,
): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
  // ALLOWED_ORIGINS holds serialized origins (lower-case, no default port, no slash): compare like with like.
  if (config.allowedOrigins.has(parsed.origin)) return true;
  if (config.publicUrl && parsed.origin === config.publicUrl.origin) return true;
  const local = isLoopback(url.hostname);
  if (parsed.origin === url.origin && (url.protocol === "https:" || local)) return true;
  return local && isLoopback(parsed.hostname);
}
