import type { AuthRequest } from "@cloudflare/workers-oauth-provider";
import type { Context } from "hono";
import { canonicalOrigin } from "../http/origin-url.js";
import type { AppEnv } from "../http/types.js";
import { serverInfo } from "../mcp/info.js";
import { type AuthContext, identityFor } from "./identity/index.js";
import { SignInNotConfigured } from "./identity/unconfigured.js";
import { htmlPage, message, oauthErrorResponse, redirect } from "./pages.js";
import { oauthHelpers } from "./provider.js";
import { grantedScopes } from "./scopes.js";
import { type ConsentView, consentPage } from "./views/consent.js";

const MAX_FORM_BYTES = 16 * 1024;

const SCOPE_DESCRIPTIONS: Record<string, string> = {
  mcp: "use this server's tools, resources and prompts",
  profile: "see who you are: your name, login and email",
};

function authContext(c: Context<AppEnv>): AuthContext {
  const config = c.var.config;
  const origin = canonicalOrigin(c.req.raw, config);
  return { c, config, origin, helpers: oauthHelpers(config, origin, c.env) };
}

/**
 * Every OAuth page handler: what the helpers throw becomes a page or a vetted redirect, and an
 * identity whose secrets are missing (thrown by `identityFor`) the page that names them.
 */
function page(handler: (ctx: AuthContext) => Promise<Response>) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    try {
      return await handler(authContext(c));
    } catch (error) {
      if (error instanceof SignInNotConfigured) return notConfigured(error);
      return oauthErrorResponse(error);
    }
  };
}

/** GET /authorize: validate the request (client, redirect URI, PKCE, resource), then ask. */
export const showConsent = page(async (ctx) => {
  const identity = identityFor(ctx);
  const request = await ctx.helpers.parseAuthRequest(ctx.c.req.raw);
  return renderConsent(ctx, identity.form, request);
});

/** POST /authorize: the user's answer. The handle works once, in the browser it was given to. */
export const answerConsent = page(async (ctx) => {
  const { c, helpers } = ctx;
  if (postedFromAnotherSite(c.req.raw, ctx.origin)) {
    // Before anything is counted: a page elsewhere posting wrong passphrases from the owner's
    // browser would otherwise lock the owner's address out (the binding cookie stops only approval).
    return message(403, {
      title: "This form was sent from another site",
      message: "Only this server's own consent page can answer a sign-in request.",
      hint: "Nothing was shared. Start again from the app you were connecting.",
    });
  }
  const form = await readForm(c.req.raw);
  if (!form) return message(400, { title: "Bad request", message: "The consent form could not be read." });
  const handle = String(form.get("handle") ?? "");

  if (form.get("decision") !== "approve") {
    const denied = await helpers.denyConsent(c.req.raw, handle);
    return redirect(denied.redirectTo, denied.headers);
  }

  const identity = identityFor(ctx);
  const verdict = await identity.verify(ctx, form);
  if (!verdict.ok) {
    if (verdict.status === 403) {
      // The same request again, freshly validated from this URL, with the reason on top.
      const request = await helpers.parseAuthRequest(c.req.raw);
      return renderConsent(ctx, identity.form, request, verdict.message, 403);
    }
    const headers = new Headers(verdict.retryAfter ? { "Retry-After": String(verdict.retryAfter) } : {});
    return message(verdict.status, { title: "Not now", message: verdict.message }, headers);
  }

  const approved = await helpers.approveConsent(c.req.raw, handle);
  return identity.signIn(ctx, approved);
});

/** GET /oauth/callback: the upstream provider sends the browser back here. */
export const upstreamCallback = page(async (ctx) => {
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
  error?: string,
  status = 200,
): Promise<Response> {
  const { helpers, config } = ctx;
  // describeConsent first: a failed client lookup leaves nothing behind in KV.
  const details = await helpers.describeConsent(request);
  const consent = await helpers.beginConsent(request);
  const granted = grantedScopes(config.oauth, details.scope);
  const body = consentPage({
    serverTitle: serverInfo.title,
    clientName: details.clientName,
    clientDomain: details.clientDomain,
    clientId: details.clientId,
    redirectHost: details.redirectHost,
    redirectIsLoopback: details.redirectIsLoopback,
    scopes: granted.map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] })),
    ignoredScopes: details.scope.filter((s) => !granted.includes(s)),
    handle: consent.handle,
    signIn,
    error,
  });
  return htmlPage(body, status, consent.headers);
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

async function readForm(request: Request): Promise<FormData | undefined> {
  const type = request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") return undefined;
  if (Number(request.headers.get("Content-Length")) > MAX_FORM_BYTES) return undefined;
  if (!request.body) return undefined;
  // Counted as it arrives too: a body of unknown length (chunked) declares nothing to check.
  const limited = new Response(request.body.pipeThrough(atMost(MAX_FORM_BYTES)), {
    headers: { "Content-Type": request.headers.get("Content-Type")! },
  });
  try {
    return await limited.formData();
  } catch {
    return undefined;
  }
}

function atMost(limit: number): TransformStream<Uint8Array, Uint8Array> {
  let size = 0;
  return new TransformStream({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > limit) controller.error(new RangeError(`the body is larger than ${limit} bytes`));
      else controller.enqueue(chunk);
    },
  });
}
