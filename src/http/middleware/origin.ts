import type { MiddlewareHandler } from "hono";
import { isLoopback } from "../../loopback.js";
import { jsonRpcError } from "../json-rpc-error.js";
import type { AppEnv } from "../types.js";

/**
 * Browser-origin check for /mcp (MCP transport security; DNS-rebinding protection).
 * - no Origin: allowed (server-to-server clients, Smithery's scanner, CLI tools send none);
 * - PUBLIC_URL's origin, or one listed in ALLOWED_ORIGINS: allowed;
 * - the origin the request came to: allowed over https, where Cloudflare routes by Host so the
 *   Host is one of ours; over plain http (wrangler dev) only on a loopback host, because a
 *   DNS-rebinding page arrives with its own name in both Host and Origin;
 * - a loopback origin while the server itself runs on loopback (wrangler dev): allowed;
 * - anything else: 403 with a JSON-RPC error.
 */
export const originGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("Origin");
  if (origin !== undefined && !isAllowedOrigin(origin, new URL(c.req.url), c.var.config)) {
    return jsonRpcError(403, -32000, `Forbidden: requests from origin ${origin} are not allowed`);
  }
  await next();
};

export function isAllowedOrigin(
  origin: string,
  url: URL,
  config: { publicUrl: URL | undefined; allowedOrigins: ReadonlySet<string> },
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
