import type { AuthRequest, OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import type { OAuthConfig } from "../config.js";
import { hex, sha256 } from "../encoding.js";
import type { GrantProps, User } from "../types.js";
import { redirect } from "./pages.js";
import { grantedScopes } from "./scopes.js";

/** Every code and token starts with the user id; ./guards/shapes.ts refuses longer ones. */
const MAX_USER_ID = 200;

/**
 * Finishes an approved authorization: the grant stores the user (encrypted, handed to tools as
 * `ctx.user`) and the scopes, and the browser goes back to the client with the code. A dynamic
 * registration that gets a grant is kept for as long as the grant can live (it was registered
 * to expire within the hour if unused, src/template/auth/provider.ts).
 */
export async function grantAccess(
  helpers: OAuthHelpers,
  config: OAuthConfig,
  request: AuthRequest,
  user: User,
  headers?: Headers,
  env?: Env,
): Promise<Response> {
  const props: GrantProps = { user };
  const { redirectTo } = await helpers.completeAuthorization({
    request,
    userId: await userIdFor(user),
    metadata: { provider: user.provider },
    scope: grantedScopes(config, request.scope),
    props,
  });
  if (env) await keepRegistration(env, request.clientId, (config.refreshTokenTtl || config.accessTokenTtl) + 86400);
  return redirect(redirectTo, headers);
}

/**
 * The provider splits tokens on ':', so the id is encoded; an id long enough to make codes and
 * tokens over-long (an OIDC `sub` may have 255 characters) is replaced by its hash.
 */
async function userIdFor(user: User): Promise<string> {
  const encoded = encodeURIComponent(`${user.provider}-${user.id}`);
  if (encoded.length <= MAX_USER_ID) return encoded;
  return `${user.provider}-sha256-${hex(await sha256(user.id))}`;
}

/**
 * Stretches a dynamically registered client's expiry to `seconds` from now. The provider keeps
 * registrations under `client:<id>` with `registrationExpiresAt` and a matching KV expiry (its
 * putRegisteredClient); the same record is written back with the longer one. CIMD clients are
 * not stored, and records without an expiry were created to last.
 */
async function keepRegistration(env: Env, clientId: string, seconds: number): Promise<void> {
  if (clientId.startsWith("https://")) return;
  const key = `client:${clientId}`;
  const record = await env.OAUTH_KV.get<Record<string, unknown>>(key, "json");
  if (!record || typeof record.registrationExpiresAt !== "number") return;
  const until = Math.floor(Date.now() / 1000) + seconds;
  if (record.registrationExpiresAt >= until - 86400) return; // renewed within the last day
  await env.OAUTH_KV.put(key, JSON.stringify({ ...record, registrationExpiresAt: until }), { expirationTtl: seconds });
}
