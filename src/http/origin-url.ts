import type { Config } from "../config.js";

/**
 * The origin this server is known by: PUBLIC_URL when set (a custom domain behind a proxy, say),
 * else the origin the request came to, so `wrangler dev`, workers.dev and a custom domain all
 * work without edits.
 */
export function canonicalOrigin(request: Request, config: Pick<Config, "publicUrl">): string {
  return config.publicUrl?.origin ?? new URL(request.url).origin;
}
