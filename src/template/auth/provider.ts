import {
  getOAuthApi,
  type OAuthHelpers,
  OAuthProvider,
  type OAuthProviderOptions,
} from "@cloudflare/workers-oauth-provider";
import { serverInfo } from "../../server/info.js";
import type { Config } from "../config.js";
import { ROUTES } from "../routes.js";
import { resolveApiKey } from "./api-keys.js";
import { SCOPE_CATALOGUE } from "./scopes.js";

export const UNUSED_REGISTRATION_TTL = 3600;

type Handler = { fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> };

/**
 * The provider's settings for one canonical origin. `resourceMetadata.resource` is fixed when a
 * provider is built, so each origin the Worker answers on (localhost, workers.dev, a custom domain)
 * gets its own. `handler` serves both /mcp (after the token check, with `ctx.props`/`ctx.auth`) and
 * everything else (landing page, card, consent page).
 */
function providerOptions(config: Config, origin: string, handler: Handler): OAuthProviderOptions<Env> {
  const oauth = config.oauth;
  return {
    apiRoute: ROUTES.mcp,
    apiHandler: handler,
    defaultHandler: handler,
    authorizeEndpoint: ROUTES.authorize,
    tokenEndpoint: ROUTES.token,
    clientRegistrationEndpoint: ROUTES.register,
    clientIdMetadataDocumentEnabled: true,
    // Desktop clients sign in through their own URI schemes (RFC 8252 §7.1: Cursor's cursor://).
    // The provider then accepts any scheme it does not consider dangerous; which ones this server
    // sends sign-ins to is narrower, checked at registration and on every authorization request
    // (./guards/redirect-uri.ts).
    allowPrivateUseRedirectUris: true,
    scopesSupported: [...SCOPE_CATALOGUE],
    requiredScopes: [...oauth.scopes],
    // Dynamic registrations nobody signs in with are gone within the hour; one that gets a grant
    // is kept as long as the grant can live (src/template/auth/grant.ts).
    clientRegistrationTTL: UNUSED_REGISTRATION_TTL,
    accessTokenTTL: oauth.accessTokenTtl,
    refreshTokenTTL: oauth.refreshTokenTtl,
    // A bearer the provider did not issue may be an API key (./api-keys.ts).
    resolveExternalToken: ({ token, env }) => resolveApiKey(token, env, `${origin}${ROUTES.mcp}`),
    resourceMetadata: {
      resource: `${origin}${ROUTES.mcp}`,
      authorization_servers: [origin],
      bearer_methods_supported: ["header"],
      resource_name: serverInfo.title,
    },
    onError({ code, status, internal }) {
      // The wire answer stays generic (RFC 6749 §5.2); the log says which check failed.
      if (status >= 500) console.error("oauth", code, internal.category, internal.reason);
      else console.warn("oauth", code, internal.category, internal.reason);
    },
  };
}

// Bounded, like the server card's per-origin cache: a stream of odd Host headers cannot grow it.
const MAX_ORIGINS = 8;

interface Entry {
  provider: OAuthProvider<Env> | undefined;
  helpers: WeakMap<Env, OAuthHelpers>;
}

const entries = new WeakMap<Config, Map<string, Entry>>();

function entry(config: Config, origin: string): Entry {
  let byOrigin = entries.get(config);
  if (!byOrigin) {
    byOrigin = new Map();
    entries.set(config, byOrigin);
  }
  let hit = byOrigin.get(origin);
  if (!hit) {
    if (byOrigin.size >= MAX_ORIGINS) byOrigin.clear();
    hit = { provider: undefined, helpers: new WeakMap() };
    byOrigin.set(origin, hit);
  }
  return hit;
}

/** The provider for an origin, built on its first request and kept for the isolate's life. */
export function oauthProvider(config: Config, origin: string, handler: Handler): OAuthProvider<Env> {
  const e = entry(config, origin);
  e.provider ??= new OAuthProvider(providerOptions(config, origin, handler));
  return e.provider;
}

const unrouted: Handler = { fetch: () => new Response(null, { status: 404 }) };

/**
 * The OAuth helpers (parseAuthRequest, consent, completeAuthorization…) for an origin. Not
 * `env.OAUTH_PROVIDER`: the provider sets that once on the shared `env`, so with two origins the
 * second would get the first one's resource.
 */
export function oauthHelpers(config: Config, origin: string, env: Env): OAuthHelpers {
  const e = entry(config, origin);
  let helpers = e.helpers.get(env);
  if (!helpers) {
    helpers = getOAuthApi(providerOptions(config, origin, unrouted), env);
    e.helpers.set(env, helpers);
  }
  return helpers;
}
