import type { CacheHint } from "@modelcontextprotocol/server";
import type { AuthMode } from "../config.js";
import type { ResourceDefinition } from "./define.js";

/**
 * Cache hints (2026-07-28 `ttlMs` / `cacheScope`): how long a client, or a cache between it and
 * this server, may reuse an answer. 2025-era answers never carry them; the SDK adds them only to
 * 2026-07-28 results of the methods below.
 *
 * The rule this template follows (docs/caching.md):
 * - `public` when the answer is the same for everyone: with MCP_AUTH=none anyone may ask, and the
 *   lists and resources here do not depend on who asks;
 * - `private` when it depends on the caller: with MCP_AUTH=oauth every answer is for the holder of
 *   a token only, and a resource marked `perCaller` (say, "my settings") is private always.
 * A fork whose lists differ per caller (tools hidden by role, say) must make them private too.
 * The MCP Apps do that here: tools/list and resources/list differ by whether the client declared
 * the io.modelcontextprotocol/ui extension, so with an app in the registry they are private.
 */

/** The lists and discovery change only when the Worker is deployed again: five minutes is safe. */
export const LIST_TTL_MS = 5 * 60_000;

export type CacheableMethod =
  | "server/discover"
  | "tools/list"
  | "prompts/list"
  | "resources/list"
  | "resources/templates/list"
  | "resources/read";

const hintsByMode = new Map<`${AuthMode} ${boolean}`, Partial<Record<CacheableMethod, CacheHint>>>();

/**
 * The server-wide hints (McpServer's `cacheHints`), one object per auth mode. `listsVaryByClient`:
 * tools/list and resources/list depend on the client's declared extensions (the registry has apps).
 */
export function serverCacheHints(
  auth: AuthMode,
  listsVaryByClient: boolean,
): Partial<Record<CacheableMethod, CacheHint>> {
  const key = `${auth} ${listsVaryByClient}` as const;
  let hints = hintsByMode.get(key);
  if (!hints) {
    const cacheScope = scopeFor(auth, false);
    const list: CacheHint = { ttlMs: LIST_TTL_MS, cacheScope };
    const perClient: CacheHint = listsVaryByClient ? { ttlMs: LIST_TTL_MS, cacheScope: "private" } : list;
    hints = {
      "server/discover": list,
      "tools/list": perClient,
      "prompts/list": list,
      "resources/list": perClient,
      "resources/templates/list": list,
      // A resource says how long its content lasts (`cache` in defineResource); without that, the
      // protocol's conservative default: not cached.
      "resources/read": { ttlMs: 0, cacheScope },
    };
    hintsByMode.set(key, hints);
  }
  return hints;
}

/** The hint for one resource's reads, from its `cache` declaration. */
export function resourceCacheHint(resource: ResourceDefinition, auth: AuthMode): CacheHint | undefined {
  if (!resource.cache) return undefined;
  return { ttlMs: resource.cache.ttlMs, cacheScope: scopeFor(auth, resource.cache.perCaller ?? false) };
}

export function scopeFor(auth: AuthMode, perCaller: boolean): "public" | "private" {
  return auth === "none" && !perCaller ? "public" : "private";
}

/** An app's view (its `ui://` resource) changes only with a deploy, like the lists. */
export function viewCacheHint(auth: AuthMode): CacheHint {
  return { ttlMs: LIST_TTL_MS, cacheScope: scopeFor(auth, false) };
}
