import type { AuthRequest, OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import type { OAuthConfig } from "../config.js";
import type { GrantProps } from "../http/types.js";
import { redirect } from "./pages.js";
import { grantedScopes } from "./scopes.js";
import type { User } from "./user.js";

/**
 * Finishes an approved authorization: the grant stores the user (encrypted, handed to tools as
 * `ctx.user`) and the scopes, and the browser goes back to the client with the code.
 */
export async function grantAccess(
  helpers: OAuthHelpers,
  config: OAuthConfig,
  request: AuthRequest,
  user: User,
  headers?: Headers,
): Promise<Response> {
  const props: GrantProps = { user };
  const { redirectTo } = await helpers.completeAuthorization({
    request,
    // The provider splits tokens on ':', so the id is encoded.
    userId: encodeURIComponent(`${user.provider}-${user.id}`),
    metadata: { provider: user.provider },
    scope: grantedScopes(config, request.scope),
    props,
  });
  return redirect(redirectTo, headers);
}
