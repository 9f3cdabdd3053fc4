import * as z from "zod";
import { memo } from "../../memo.js";
import { type UpstreamEndpoints, UpstreamError, type UpstreamProvider, upstreamJson } from "./upstream.js";

const httpsUrl = z.url({ protocol: /^https$/ });
const discovery = z.object({
  issuer: z.string(),
  authorization_endpoint: httpsUrl,
  token_endpoint: httpsUrl,
  userinfo_endpoint: httpsUrl,
});
// OpenID Connect Core §2: a `sub` is at most 255 ASCII characters. Display fields are clipped,
// an over-long email is dropped: they travel in every access token (src/template/types.ts).
const clipped = (max: number) => z.string().transform((s) => s.slice(0, max));
const userinfo = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().max(320).optional().catch(undefined),
  email_verified: z
    .union([z.boolean(), z.literal("true"), z.literal("false")])
    .optional()
    .catch(undefined),
  name: clipped(200).optional().catch(undefined),
  preferred_username: clipped(100).optional().catch(undefined),
});

type Discovered = UpstreamEndpoints & { userinfo: string };

// One discovery per issuer per isolate; a failure is not kept, so the next sign-in retries.
const discovered = memo((issuer: URL, label: string) => discover(issuer, label), { key: (issuer) => issuer.href });

/**
 * Any OpenID Connect provider (Google, Auth0, Okta, Cloudflare Access…), found through its
 * /.well-known/openid-configuration. The user comes from the userinfo endpoint, called with the
 * token this server just received over TLS from the token endpoint, so no ID token parsing is
 * needed. Only a verified email counts for the allow-list.
 */
export function oidc(issuer: URL): UpstreamProvider {
  const label = issuer.host;
  const endpoints = (): Promise<Discovered> => discovered(issuer, label);
  return {
    label,
    scope: "openid email profile",
    endpoints,
    async user(accessToken) {
      const { userinfo: url } = await endpoints();
      const info = userinfo.safeParse(
        await upstreamJson(url, label, { headers: { Authorization: `Bearer ${accessToken}` } }),
      );
      if (!info.success) throw new UpstreamError(`${label} did not say who signed in.`);
      const { sub, email, email_verified, name, preferred_username } = info.data;
      const verified = email && (email_verified === true || email_verified === "true") ? email : undefined;
      return {
        user: {
          id: sub,
          provider: "oidc",
          ...(preferred_username ? { login: preferred_username } : {}),
          ...(email ? { email } : {}),
          ...(name ? { name } : {}),
        },
        account: sub,
        verifiedEmails: verified ? [verified] : [],
      };
    },
    // A `sub` is case-sensitive (OpenID Connect Core §5.7).
    sameAccount: (entry, account) => entry === account,
  };
}

async function discover(issuer: URL, label: string): Promise<Discovered> {
  const base = issuer.href.replace(/\/+$/, "");
  const doc = discovery.safeParse(await upstreamJson(`${base}/.well-known/openid-configuration`, label));
  if (!doc.success) throw new UpstreamError(`${label} has no usable OpenID configuration.`);
  // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
  if (doc.data.issuer.replace(/\/+$/, "") !== base) {
    throw new UpstreamError(`${label}'s OpenID configuration names another issuer (${doc.data.issuer}).`);
  }
  return {
    authorize: doc.data.authorization_endpoint,
    token: doc.data.token_endpoint,
    userinfo: doc.data.userinfo_endpoint,
  };
}
