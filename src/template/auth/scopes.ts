import { serverInfo } from "../../server/info.js";
import type { OAuthConfig } from "../config.js";

/**
 * The scopes this server can grant are declared with the server (src/server/info.ts), not read
 * from the tool files: the OAuth side never evaluates a capability (nor the MCP SDK it loads).
 */
const declared: Readonly<Record<string, string>> = serverInfo.scopes;

/** Everything this server can grant (RFC 8414 `scopes_supported`): the declared scopes. */
export const SCOPE_CATALOGUE: readonly string[] = Object.keys(declared);

/** What the consent page says a scope allows ("… will be able to <this>"), if it is declared. */
export function scopeDescription(scope: string): string | undefined {
  return Object.hasOwn(declared, scope) ? declared[scope] : undefined;
}

/**
 * What an approval grants: the baseline, plus whatever else the client asked for that this server
 * declares. Unknown scopes are dropped rather than refused, so a client asking for `offline_access`
 * or `openid` out of habit still gets in.
 */
export function grantedScopes(config: OAuthConfig, requested: readonly string[]): string[] {
  return [...new Set([...config.scopes, ...requested.filter((s) => Object.hasOwn(declared, s))])];
}
