import { github } from "./github.js";
import { oidc } from "./oidc.js";
import { passphraseIdentity } from "./passphrase.js";
import type { AuthContext, Identity } from "./types.js";
import { SignInNotConfigured } from "./unconfigured.js";
import { upstreamIdentity } from "./upstream.js";

export type { AuthContext, Identity } from "./types.js";

/** The identity AUTH_IDENTITY names; throws SignInNotConfigured while its secrets are missing. */
export function identityFor(ctx: Pick<AuthContext, "config" | "origin">): Identity {
  const { identity, secrets, oidcIssuer } = ctx.config.oauth;
  if (identity === "passphrase") return passphraseIdentity(ctx);
  if (!secrets.upstreamClientId || !secrets.upstreamClientSecret) {
    throw new SignInNotConfigured(["UPSTREAM_CLIENT_ID", "UPSTREAM_CLIENT_SECRET"]);
  }
  // config.ts refuses AUTH_IDENTITY=oidc without OIDC_ISSUER.
  return upstreamIdentity(identity === "github" ? github : oidc(oidcIssuer!));
}
