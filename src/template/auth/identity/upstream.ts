import { authorizationErrorRedirect } from "@cloudflare/workers-oauth-provider";
import { clientAddress } from "../../client-address.js";
import { base64url, sha256 } from "../../encoding.js";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../json-depth.js";
import { readBounded } from "../../read-bounded.js";
import { ROUTES } from "../../routes.js";
import type { User } from "../../types.js";
import { deviceCookie } from "../device.js";
import { grantAccess } from "../grant.js";
import { refusalMessage, take } from "../guards/limits.js";
import { logValue } from "../guards/shapes.js";
import { message, redirect } from "../pages.js";
import type { Identity } from "./types.js";

const TIMEOUT_MS = 8000;

/** An upstream failure the operator or user can act on (shown on a page, never a 500). */
export class UpstreamError extends Error {
  override name = "UpstreamError";
}

export interface UpstreamEndpoints {
  authorize: string;
  token: string;
}

/** A third-party OAuth/OIDC provider people sign in with (src/template/auth/identity/github.ts, oidc.ts). */
export interface UpstreamProvider {
  /** Shown to people: "GitHub", or the OIDC issuer's host. */
  label: string;
  /** Scopes asked of the provider. */
  scope: string;
  endpoints(): Promise<UpstreamEndpoints>;
  /** Who signed in, from the provider's access token. */
  user(accessToken: string): Promise<SignedIn>;
  /** Whether an AUTH_ALLOWED_USERS entry without `@` names this account id. */
  sameAccount(entry: string, account: string): boolean;
}

export interface SignedIn {
  user: User;
  /** The account's id as the allow-list names it: a GitHub login, an OIDC `sub`. */
  account: string;
  /** Emails the provider says are verified (the only ones an allow-list email matches). */
  verifiedEmails: string[];
}

/**
 * The allow-list: entries that look like emails match only verified emails (so an account whose
 * unverified email, or whose `sub`, reads like an allowed address does not get in); the others
 * match only the account id.
 */
export function isAllowed(allowed: ReadonlySet<string>, who: SignedIn, upstream: UpstreamProvider): boolean {
  if (allowed.size === 0) return true;
  const emails = who.verifiedEmails.map((e) => e.toLowerCase());
  for (const entry of allowed) {
    if (entry.includes("@") ? emails.includes(entry) : upstream.sameAccount(entry, who.account)) return true;
  }
  return false;
}

interface Saved {
  verifier: string;
}

/**
 * Sign-in through a third party, with the provider's upstream helpers: consent first (the
 * confused-deputy rule), then a redirect with a browser-bound `state` and PKCE, then the callback
 * exchanges the code, reads the user, applies the allow-list and makes the grant.
 */
export function upstreamIdentity(upstream: UpstreamProvider, deviceSecret: string | undefined): Identity {
  return {
    form: { kind: "upstream", label: upstream.label },
    deviceSecret,

    // Resolve the endpoints before the consent handle is spent, so an outage does not burn it.
    async verify() {
      try {
        await upstream.endpoints();
        return { ok: true };
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        return { ok: false, status: 502, message: error.message };
      }
    },

    async signIn({ c, helpers, origin, config, device }, approved) {
      // The one KV write an anonymous visitor can cause here (the upstream transaction): counted.
      const taken = await take(c.env, { address: clientAddress(c.req.raw), origin, device }, "upstream");
      if (!taken.ok) {
        return message(
          429,
          { title: "Not now", message: refusalMessage("upstream", taken) },
          new Headers({ "Retry-After": String(taken.retryAfter) }),
        );
      }
      const endpoints = await upstream.endpoints();
      const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
      const { state, headers } = await helpers.beginUpstream(approved.request, {
        data: { verifier } satisfies Saved,
        headers: approved.headers,
      });
      const url = new URL(endpoints.authorize);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("client_id", config.oauth.secrets.upstreamClientId ?? "");
      url.searchParams.set("redirect_uri", `${origin}${ROUTES.callback}`);
      url.searchParams.set("scope", upstream.scope);
      url.searchParams.set("state", state);
      url.searchParams.set("code_challenge", await s256(verifier));
      url.searchParams.set("code_challenge_method", "S256");
      return redirect(url.href, headers);
    },

    async callback({ c, helpers, origin, config }) {
      // Throws AuthorizationError for a missing, foreign-browser, used or expired state.
      const { request, data, headers } = await helpers.finishUpstream<Saved>(c.req.raw);
      const params = new URL(c.req.url).searchParams;
      const code = params.get("code");
      if (params.get("error") || !code) {
        return redirect(
          authorizationErrorRedirect(request, "access_denied", `Sign-in with ${upstream.label} did not complete`),
          headers,
        );
      }
      let signedIn: SignedIn;
      try {
        const endpoints = await upstream.endpoints();
        const token = await exchangeCode(
          endpoints.token,
          {
            code,
            verifier: data.verifier,
            redirectUri: `${origin}${ROUTES.callback}`,
            clientId: config.oauth.secrets.upstreamClientId ?? "",
            clientSecret: config.oauth.secrets.upstreamClientSecret ?? "",
          },
          upstream.label,
        );
        signedIn = await upstream.user(token);
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        console.warn("upstream sign-in failed:", logValue(error.message, 300)); // may quote the provider
        return message(
          502,
          {
            title: `Sign-in with ${upstream.label} failed`,
            message: error.message,
            hint: "Nothing was shared. Start again from the app you were connecting.",
          },
          headers,
        );
      }
      if (!isAllowed(config.oauth.allowedUsers, signedIn, upstream)) {
        const who = signedIn.user.login ?? signedIn.user.email ?? signedIn.user.id;
        return message(
          403,
          {
            title: "This account is not allowed here",
            message: `You signed in with ${upstream.label} as ${who}, which is not on this server's list of allowed users.`,
            hint: "Ask the server's operator to add you to AUTH_ALLOWED_USERS.",
          },
          headers,
        );
      }
      // Signed in as someone allowed: this browser is trusted past the anonymous limits next time.
      const trusted = new Headers(headers);
      if (deviceSecret) trusted.append("Set-Cookie", await deviceCookie(deviceSecret));
      return grantAccess(helpers, config.oauth, request, signedIn.user, trusted, c.env);
    },
  };
}

/** RFC 6749 §4.1.3 with the PKCE verifier, as a confidential client. */
async function exchangeCode(
  tokenUrl: string,
  p: { code: string; verifier: string; redirectUri: string; clientId: string; clientSecret: string },
  label: string,
): Promise<string> {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code: p.code,
    redirect_uri: p.redirectUri,
    client_id: p.clientId,
    client_secret: p.clientSecret,
    code_verifier: p.verifier,
  });
  const answer = await upstreamJson(tokenUrl, label, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
  const token = (answer as { access_token?: unknown }).access_token;
  if (typeof token !== "string" || !token) {
    const error = (answer as { error?: unknown }).error;
    throw new UpstreamError(
      `${label} did not accept the sign-in${typeof error === "string" ? ` (${error})` : ""}. Check UPSTREAM_CLIENT_ID, UPSTREAM_CLIENT_SECRET and the callback URL.`,
    );
  }
  return token;
}

/** Userinfo, tokens and discovery documents are a few KiB; a larger answer is refused unread. */
export const MAX_UPSTREAM_BYTES = 64 * 1024;

/** A JSON request to the provider; every way it fails becomes an UpstreamError with a sentence. */
export async function upstreamJson(url: string, label: string, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  let text: string | undefined;
  try {
    response = await fetch(url, {
      ...init,
      headers: { Accept: "application/json", "User-Agent": "mcp-worker-template", ...init.headers },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "manual",
    });
    text = await readAtMost(response, MAX_UPSTREAM_BYTES);
  } catch (error) {
    const timeout = error instanceof DOMException && error.name === "TimeoutError";
    throw new UpstreamError(timeout ? `${label} did not answer in time.` : `${label} could not be reached.`);
  }
  if (text === undefined) throw new UpstreamError(`${label} answered with more than ${MAX_UPSTREAM_BYTES / 1024} KiB.`);
  if (nestsDeeperThan(text)) {
    throw new UpstreamError(`${label} answered with JSON nested more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  if (typeof json !== "object" || json === null) {
    throw new UpstreamError(`${label} answered HTTP ${response.status} without JSON.`);
  }
  // A token endpoint's 400 carries an OAuth error body the caller reports; anything else is fatal.
  if (!response.ok && !("error" in json)) throw new UpstreamError(`${label} answered HTTP ${response.status}.`);
  return json;
}

async function readAtMost(response: Response, limit: number): Promise<string | undefined> {
  if (Number(response.headers.get("Content-Length")) > limit) {
    await response.body?.cancel();
    return undefined;
  }
  const bytes = await readBounded(response.body, limit);
  return bytes && new TextDecoder().decode(bytes);
}

async function s256(verifier: string): Promise<string> {
  return base64url(await sha256(verifier));
}
