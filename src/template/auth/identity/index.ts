import type { IdentityKind } from "../../types.js";
import { github } from "./github.js";
import { oidc } from "./oidc.js";
import { passphraseIdentity } from "./passphrase.js";
import type { AuthContext, Identity } from "./types.js";
import { SignInNotConfigured } from "./unconfigured.js";
import { type UpstreamProvider, upstreamIdentity } from "./upstream.js";

export type { AuthContext, Identity } from "./types.js";

type Context = Pick<AuthContext, "config" | "origin">;

/**
 * One entry per identity kind (IDENTITY_KINDS in src/template/config.ts, which AUTH_IDENTITY names): a
 * kind added there without an entry here does not compile.
 */
const identities: Record<IdentityKind, (ctx: Context) => Identity> = {
  passphrase: passphraseIdentity,
  github: (ctx) => upstream(ctx, github),
  // config.ts refuses AUTH_IDENTITY=oidc without OIDC_ISSUER.
  oidc: (ctx) => upstream(ctx, oidc(ctx.config.oauth.oidcIssuer!)),
};

/** The identity AUTH_IDENTITY names; throws SignInNotConfigured while its secrets are missing. */
export function identityFor(ctx: Context): Identity {
  return identities[ctx.config.oauth.identity](ctx);
}

function upstream({ config }: Context, provider: UpstreamProvider): Identity {
  const { upstreamClientId, upstreamClientSecret } = config.oauth.secrets;
  if (!upstreamClientId || !upstreamClientSecret) {
    throw new SignInNotConfigured(["UPSTREAM_CLIENT_ID", "UPSTREAM_CLIENT_SECRET"]);
  }
  // With AUTH_ALLOWED_USERS empty anyone can sign in, so a browser that did is trusted no further.
  return upstreamIdentity(provider, config.oauth.allowedUsers.size > 0 ? upstreamClientSecret : undefined);
}
