import { AuthorizationError, type AuthRequest, authorizationErrorRedirect } from "@cloudflare/workers-oauth-provider";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { serverInfo } from "../../server/info.js";
import type { AppEnv } from "../types.js";
import { BINDING_TTL_SECONDS, checkBinding, handleKey, newBinding } from "./consent-binding.js";
import { trustedDevice } from "./device.js";
import { LimiterUnavailable, spendOnce } from "./guards/limits.js";
import { destinationOf, redirectUriProblem } from "./guards/redirect-uri.js";
import { CODE_CHALLENGE, isClientIdShape } from "./guards/shapes.js";
import { type AuthContext, identityFor } from "./identity/index.js";
import { SignInNotConfigured, WeakPassphrase } from "./identity/unconfigured.js";
import { htmlPage, message, oauthErrorResponse, redirect } from "./pages.js";
import { oauthHelpers } from "./provider.js";
import { grantedScopes, scopeDescription } from "./scopes.js";
import { type ConsentView, consentPage } from "./views/consent.js";

const MAX_FORM_BYTES = 16 * 1024;
const UNREADABLE_FORM = { title: "Bad request", message: "The consent form could not be read." };

function authContext(c: Context<AppEnv>): AuthContext {
  const { config, origin } = c.var;
  return { c, config, origin, helpers: oauthHelpers(config, origin, c.env) };
}

/**
 * Every OAuth page handler: what the helpers throw becomes a page or a vetted redirect, and an
 * identity whose secrets are missing (thrown by `identityFor`) the page that names them.
 */
function withErrorPages(handler: (ctx: AuthContext) => Promise<Response>) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    try {
      return await handler(authContext(c));
    } catch (error) {
      if (error instanceof SignInNotConfigured) return notConfigured(error);
      if (error instanceof WeakPassphrase) return weakPassphrase(error);
      if (error instanceof LimiterUnavailable) {
        return message(503, { title: "Not now", message: "Sign-in is briefly unavailable. Try again in a minute." });
      }
      return oauthErrorResponse(error);
    }
  };
}

/** GET /authorize: validate the request (client, redirect URI, PKCE, resource), then ask. */
export const showConsent = withErrorPages(async (ctx) => {
  const identity = identityFor(ctx);
  const request = await parseRequest(ctx);
  if (request instanceof Response) return request;
  const binding = await newBinding(new URL(ctx.c.req.url));
  return renderConsent(ctx, identity.form, request, binding.handle, new Headers({ "Set-Cookie": binding.cookie }));
});

/**
 * POST /authorize: the user's answer. Checked in this order, and nothing is evaluated before the
 * form is known to come from this server's page in this browser, shown for this very request
 * (./consent-binding.ts): where it was posted from, the binding, the authorization request
 * itself, and only then the passphrase. A form is good for one approval or denial, however many
 * times it is posted at once (`spendOnce`), and a wrong passphrase does not use it up.
 */
export const answerConsent = withErrorPages(async (ctx) => {
  const { c } = ctx;
  if (postedFromAnotherSite(c.req.raw, ctx.origin)) {
    // Before anything is counted: a page elsewhere posting wrong passphrases from the owner's
    // browser would otherwise lock the owner's address out (the binding cookie stops only approval).
    return message(403, {
      title: "This form was sent from another site",
      message: "Only this server's own consent page can answer a sign-in request.",
      hint: "Nothing was shared. Start again from the app you were connecting.",
    });
  }
  const identity = identityFor(ctx); // throws (a page naming the secret) while sign-in is not set up
  const form = await readForm(c.req.raw);
  if (!form) return message(400, UNREADABLE_FORM);
  const handle = String(form.get("handle") ?? "");
  const binding = await checkBinding(c.req.raw, new URL(c.req.url), handle);
  if (!binding.ok) return binding.reason === "unknown" ? UNKNOWN_FORM() : OTHER_REQUEST();
  const request = await parseRequest(ctx);
  if (request instanceof Response) return request;
  const headers = new Headers({ "Cache-Control": "no-store", "Set-Cookie": binding.clearCookie });
  const device = identity.deviceSecret && (await trustedDevice(c.req.raw, identity.deviceSecret));
  const counted = { ...ctx, device: device || undefined };

  if (form.get("decision") !== "approve") {
    if (!(await spendOnce(c.env, await handleKey(handle), BINDING_TTL_SECONDS))) return USED_FORM();
    return redirect(authorizationErrorRedirect(request, "access_denied", "The user denied access"), headers);
  }

  const verdict = await identity.verify(counted, form);
  if (!verdict.ok) {
    if (verdict.status === 403)
      return renderConsent(ctx, identity.form, request, handle, undefined, verdict.message, 403);
    const retry = new Headers(verdict.retryAfter ? { "Retry-After": String(verdict.retryAfter) } : {});
    return message(verdict.status, { title: "Not now", message: verdict.message }, retry);
  }
  if (!(await spendOnce(c.env, await handleKey(handle), BINDING_TTL_SECONDS))) return USED_FORM();
  return identity.signIn(counted, { request, headers });
});

const START_AGAIN = "Nothing was shared. Start again from the app you were connecting.";

const UNKNOWN_FORM = () =>
  message(400, {
    title: "This sign-in request cannot continue",
    message: "This form was not shown in this browser, or it expired or was already used. Start again.",
    hint: START_AGAIN,
  });

const OTHER_REQUEST = () =>
  message(400, {
    title: "This sign-in request cannot continue",
    message:
      "This form was shown for another sign-in request (another app, address, scope or code challenge), so it cannot approve this one.",
    hint: START_AGAIN,
  });

const USED_FORM = () =>
  message(400, {
    title: "This sign-in request cannot continue",
    message: "This form was already answered. Each consent form approves one request, once.",
    hint: START_AGAIN,
  });

/** GET /oauth/callback: the upstream provider sends the browser back here. */
export const upstreamCallback = withErrorPages(async (ctx) => {
  const identity = identityFor(ctx);
  if (!identity.callback) {
    return message(404, { title: "Not found", message: "This server does not sign in through another provider." });
  }
  return identity.callback(ctx);
});

async function renderConsent(
  ctx: AuthContext,
  signIn: ConsentView["signIn"],
  request: AuthRequest,
  handle: string,
  headers?: Headers,
  error?: string,
  status = 200,
): Promise<Response> {
  const { helpers, config } = ctx;
  const details = await helpers.describeConsent(request);
  const granted = grantedScopes(config.oauth, details.scope);
  const body = consentPage({
    serverTitle: serverInfo.title,
    clientName: details.clientName,
    clientDomain: details.clientDomain,
    clientId: details.clientId,
    destination: destinationOf(details.redirectUri),
    scopes: granted.map((name) => ({ name, description: scopeDescription(name) })),
    ignoredScopes: details.scope.filter((s) => !granted.includes(s)),
    handle,
    signIn,
    error,
  });
  return htmlPage(body, status, headers);
}

/**
 * The authorization request in this URL, checked before the provider looks anything up:
 * every parameter once (RFC 6749 §3.1; `resource` may repeat, RFC 8707), each of a bounded
 * length, a client_id of a shape this server could know. A refusal here is a page, not a
 * redirect: the redirect URI is not verified yet. After the provider's checks, a malformed PKCE
 * challenge goes back to the (now verified) client as `invalid_request`.
 */
async function parseRequest(ctx: AuthContext): Promise<AuthRequest | Response> {
  const url = new URL(ctx.c.req.url);
  const problem = queryProblem(url);
  if (problem) {
    return message(400, {
      title: "This sign-in request cannot continue",
      message: problem,
      hint: "Nothing was shared. Start again from the app you were connecting.",
    });
  }
  let request: AuthRequest;
  try {
    request = await ctx.helpers.parseAuthRequest(ctx.c.req.raw);
  } catch (error) {
    const clientId = url.searchParams.get("client_id");
    if (clientId && (await isForgotten(ctx, clientId, error))) return forgottenClient(clientId);
    throw error;
  }
  if (!CODE_CHALLENGE.test(request.codeChallenge ?? "")) {
    return redirect(
      authorizationErrorRedirect(request, "invalid_request", "code_challenge must be 43 to 128 base64url characters"),
    );
  }
  return request;
}

/**
 * A registered client this server no longer knows: its registration expired unused (an hour) or
 * was removed. The request failed before its redirect URI could be trusted, so the person, not the
 * app, is told; apps that keep a client_id forever only start over when told to.
 */
async function isForgotten(ctx: AuthContext, clientId: string, error: unknown): Promise<boolean> {
  if (!(error instanceof AuthorizationError) || error.redirectTo) return false;
  if (clientId.startsWith("https://")) return false; // a metadata document: nothing to forget
  return (await ctx.helpers.lookupClient(clientId)) === null;
}

function forgottenClient(clientId: string): Promise<Response> {
  return message(400, {
    title: "This app has to connect again",
    message:
      "This server no longer knows the app that sent you here: its registration expired before anyone signed in with it (after an hour), or the server's operator removed it. The app has to register again.",
    code: `client_id ${clientId}`,
    steps: [
      "In the app, disconnect or remove this server, then add it again: it registers anew and sends you back here.",
      "Cursor: Settings → Tools & MCP → the server → Log out, then Connect.",
      "VS Code: Command Palette → Authentication: Remove Dynamic Authentication Providers, then start the server.",
      "mcp-remote: rm -rf ~/.mcp-auth, then restart the app that runs it.",
      "MCP Inspector: Clear OAuth State (or the CLI's --relogin), then Connect.",
      "Codex CLI: codex mcp logout <name>, then codex mcp login <name>.",
    ],
    hint: "Nothing was shared.",
  });
}

const MAX_PARAMETER: Record<string, number> = {
  response_type: 32,
  client_id: 256,
  redirect_uri: 2048,
  scope: 1024,
  state: 1024,
  code_challenge: 1024, // longer than 128 goes back to the client as invalid_request (below)
  code_challenge_method: 16,
  resource: 2048,
};

function queryProblem(url: URL): string | undefined {
  if (url.search.length > 16 * 1024) return "The request is too long.";
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    const max = MAX_PARAMETER[name];
    if (max === undefined) continue;
    if (values.length > 1 && name !== "resource") return `The parameter ${name} appears more than once.`;
    if (values.some((v) => v.length > max)) return `The parameter ${name} is too long.`;
  }
  const clientId = url.searchParams.get("client_id");
  if (clientId && !isClientIdShape(clientId)) return "Invalid client_id: it is not one this server could know.";
  const redirectUri = url.searchParams.get("redirect_uri");
  // Required, though OAuth allows leaving it out when a client registered one: the code exchange
  // must then name it too (RFC 6749 §4.1.3), which is how a stolen code is kept from another URI.
  if (!redirectUri) return "The request names no redirect_uri: say where the sign-in should go.";
  const problem = redirectUriProblem(redirectUri);
  if (problem) return `This server does not send sign-ins there: the redirect URI ${problem}.`;
  return undefined;
}

function weakPassphrase({ minLength, command }: WeakPassphrase): Promise<Response> {
  console.error(`sign-in refused: AUTH_PASSPHRASE is shorter than ${minLength} characters or is the example's`);
  return message(503, {
    title: "Sign-in is not set up safely yet",
    message: `This server's AUTH_PASSPHRASE is too easy to guess (shorter than ${minLength} characters, or the example's), so it is not accepted here. Its operator makes and sets a long random one with:`,
    code: command,
    hint: "Nothing was shared. Try again once the server is configured.",
  });
}

function notConfigured({ missing, command }: SignInNotConfigured): Promise<Response> {
  return message(503, {
    title: "Sign-in is not set up yet",
    message: `This server needs the secret${missing.length > 1 ? "s" : ""} ${missing.join(" and ")} before anyone can sign in. Its operator sets ${missing.length > 1 ? "them" : "it"} with:`,
    code: command,
    hint: "Nothing was shared. Try again once the server is configured.",
  });
}

/**
 * Browsers say where a form came from: `Sec-Fetch-Site` (all current ones), else `Origin`. The
 * consent page sets `Referrer-Policy: no-referrer`, so its own post says `Origin: null`. Clients
 * that send neither (scripts, curl) are not browsers a page elsewhere can drive.
 */
function postedFromAnotherSite(request: Request, origin: string): boolean {
  const site = request.headers.get("Sec-Fetch-Site");
  if (site) return site !== "same-origin";
  const from = request.headers.get("Origin");
  return from !== null && from !== "null" && from !== origin && from !== new URL(request.url).origin;
}

/**
 * The consent form's size, before anything reads it (Hono's body-limit): a declared length is
 * checked as it is, a body of unknown length (chunked) is counted as it arrives. Too large is
 * an unreadable form.
 */
export const formLimit = bodyLimit({
  maxSize: MAX_FORM_BYTES,
  onError: () => message(400, UNREADABLE_FORM),
});

async function readForm(request: Request): Promise<FormData | undefined> {
  const type = request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") return undefined;
  if (!request.body) return undefined;
  try {
    return await request.formData();
  } catch {
    return undefined;
  }
}
