import type { OAuthConfig } from "../config.js";
// served-tools.ts, not server.ts: that one loads the MCP SDK, which startup must not.
import { servedTools, type ToolScope } from "../mcp/served-tools.js";

/** Per OAuth config, the catalogue and the tools it was built from (a swapped registry rebuilds it). */
const catalogues = new WeakMap<OAuthConfig, { tools: readonly ToolScope[]; catalogue: readonly string[] }>();

/**
 * Everything this server can grant (RFC 8414 `scopes_supported`): the baseline plus the scopes
 * tools ask for with `requiredScope` (adding a tool file adds its scope).
 */
export function scopeCatalogue(config: OAuthConfig): readonly string[] {
  const tools = servedTools();
  let entry = catalogues.get(config);
  if (entry?.tools !== tools) {
    const required = tools.flatMap((t) => (t.requiredScope ? [t.requiredScope] : []));
    entry = { tools, catalogue: [...new Set([...config.scopes, ...required])] };
    catalogues.set(config, entry);
  }
  return entry.catalogue;
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
  return servedTools().find((t) => t.name === name)?.requiredScope;
}
