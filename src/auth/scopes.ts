import type { OAuthConfig } from "../config.js";
// tools.gen.ts, not registry.gen.ts: the resources would load the MCP SDK at startup (see
// scripts/registry.mjs and docs/performance.md).
import { tools } from "../mcp/tools.gen.js";

/** Scopes tools ask for with `requiredScope`: adding a tool file adds its scope to the catalogue. */
let toolScopes = scopesOf(tools);
let catalogues = new WeakMap<OAuthConfig, readonly string[]>();

function scopesOf(list: readonly { name: string; requiredScope?: string }[]): ReadonlyMap<string, string> {
  return new Map(list.flatMap((t) => (t.requiredScope ? [[t.name, t.requiredScope] as const] : [])));
}

/** The scopes of `next` instead of src/mcp/tools/'s: `useRegistry` (src/mcp/server.ts) swaps both. */
export function useToolScopes(next: readonly { name: string; requiredScope?: string }[]): void {
  toolScopes = scopesOf(next);
  catalogues = new WeakMap();
}

/** Everything this server can grant (RFC 8414 `scopes_supported`): the baseline plus tools' scopes. */
export function scopeCatalogue(config: OAuthConfig): readonly string[] {
  let catalogue = catalogues.get(config);
  if (!catalogue) {
    catalogue = [...new Set([...config.scopes, ...toolScopes.values()])];
    catalogues.set(config, catalogue);
  }
  return catalogue;
}

/**
 * What an approval grants: the baseline, plus whatever else the client asked for that this server
 * knows. Unknown scopes are dropped rather than refused, so a client asking for `offline_access`
 * or `openid` out of habit still gets in.
 */
export function grantedScopes(config: OAuthConfig, requested: readonly string[]): string[] {
  const catalogue = scopeCatalogue(config);
  return [...new Set([...config.scopes, ...requested.filter((s) => catalogue.includes(s))])];
}

/** The scope a tool needs beyond the baseline, if any. */
export function scopeForTool(name: string): string | undefined {
  return toolScopes.get(name);
}
