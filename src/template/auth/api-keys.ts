import type { ResolveExternalTokenResult } from "@cloudflare/workers-oauth-provider";
import { sameSecret } from "../encoding.js";
import type { GrantProps, User } from "../types.js";
import { API_KEY, API_KEY_PREFIX, hashApiKey, KEY_USER, type StoredKey } from "./api-key-record.js";
import { scopeDescription } from "./scopes.js";

export { API_KEY } from "./api-key-record.js";

/**
 * API keys beside OAuth, for clients that cannot click through a consent page (CI jobs, agents,
 * scripts): `Authorization: Bearer mcpk_<id>_<secret>`. A key names a user and carries scopes, as a
 * token does, so scope step-up (403 `insufficient_scope`) and the per-caller limits treat it like
 * one. `npm run keys` (scripts/keys.ts) creates, lists and revokes them.
 *
 * - Stored only as a hash: KV holds `apikey:<id>` → the SHA-256 of the whole key, the user, the
 *   scopes and a label. The key itself is shown once, when it is created, and kept nowhere. (The
 *   secret is 256 random bits: a fast hash is as good as a slow one against guessing it.)
 * - The id finds the record; the hashes are compared in constant time.
 * - Anything that is not a key's shape is refused before KV is read (src/template/auth/gateway.ts).
 * - Revoking deletes the record. KV caches reads for up to a minute in each location, so a revoked
 *   key can keep working there that long (docs/production.md).
 * - Only scopes this server declares (src/server/info.ts) are granted, whatever the record says.
 *
 * OAUTH_KV holds them, beside the provider's grants and tokens under a prefix of their own: keys
 * only exist with MCP_AUTH=oauth, where that namespace is already bound, and a namespace of their
 * own would be one more binding to provision and check.
 */

/**
 * The provider's `resolveExternalToken`: a bearer it did not issue is looked up here. A key that
 * exists and matches becomes the request's props (`ctx.props`); anything else is `null`, which the
 * provider answers with 401 and its `WWW-Authenticate` challenge.
 */
export async function resolveApiKey(
  token: string,
  env: Env,
  audience: string,
): Promise<ResolveExternalTokenResult | null> {
  const match = API_KEY.exec(token);
  if (!match) return null;
  const id = match[1]!;
  const stored = await env.OAUTH_KV.get<StoredKey>(`${API_KEY_PREFIX}${id}`, "json");
  if (!isStoredKey(stored)) return null;
  if (!(await sameSecret(await hashApiKey(token), stored.hash))) return null;
  const user: User = { id: stored.user, provider: "key", login: stored.user };
  const scopes = stored.scopes.filter((scope) => scopeDescription(scope) !== undefined);
  const props: GrantProps = { user, apiKey: { id, scopes } };
  return { props, audience };
}

function isStoredKey(value: unknown): value is StoredKey {
  const v = value as StoredKey | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.hash === "string" &&
    typeof v.user === "string" &&
    KEY_USER.test(v.user) &&
    Array.isArray(v.scopes) &&
    v.scopes.every((s) => typeof s === "string")
  );
}
