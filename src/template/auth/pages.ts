import { AuthorizationError, CimdFetchError } from "@cloudflare/workers-oauth-provider";
import type { HtmlEscapedString } from "hono/utils/html";
import { base64, sha256 } from "../encoding.js";
import { memo } from "../memo.js";
import { UNREACHABLE } from "./guards/cimd-fetch.js";
import { AUTH_PAGE_STYLE } from "./views/layout.js";
import { type MessageView, messagePage } from "./views/message.js";

/**
 * Every OAuth page: no script at all (default-src 'none'), only its own stylesheet (by hash), no
 * framing (clickjacking a consent page is the classic attack), not cached. The router adds the
 * headers every answer carries (Hono's secure-headers in src/template/http/app.ts: no sniffing, no
 * framing, no referrer leaking the authorization request).
 */
const pageHeaders = memo(async (): Promise<Record<string, string>> => {
  const style = `sha256-${base64(await sha256(AUTH_PAGE_STYLE))}`;
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": `default-src 'none'; style-src '${style}'; frame-ancestors 'none'; base-uri 'none'`,
    "Cache-Control": "no-store",
  };
});

export async function htmlPage(
  body: HtmlEscapedString | Promise<HtmlEscapedString>,
  status = 200,
  extra?: Headers,
): Promise<Response> {
  const headers = new Headers(extra);
  for (const [name, value] of Object.entries(await pageHeaders())) headers.set(name, value);
  return new Response(String(await body), { status, headers });
}

export function message(status: number, view: MessageView, extra?: Headers): Promise<Response> {
  return htmlPage(messagePage(view), status, extra);
}

/** A redirect that also carries the helpers' cookies (binding set or cleared). */
export function redirect(location: string, headers?: Headers): Response {
  const h = new Headers(headers);
  h.set("Location", location);
  h.set("Cache-Control", "no-store");
  return new Response(null, { status: 302, headers: h });
}

/**
 * What the OAuth helpers throw, as an answer. A redirect back to the client only when the library
 * vouches for the redirect URI (`redirectTo`); every other failure stays on this server, because
 * an unverified redirect URI is exactly what an attacker would supply. Anything else is a bug or
 * an outage and is rethrown.
 */
export function oauthErrorResponse(error: unknown): Promise<Response> | Response {
  if (error instanceof AuthorizationError) {
    if (error.redirectTo) return redirect(error.redirectTo);
    return message(400, {
      title: "This sign-in request cannot continue",
      message: error.description,
      hint: "Nothing was shared. Start again from the app you were connecting.",
    });
  }
  if (error instanceof CimdFetchError) {
    // The provider has already logged the diagnosis (error.detail).
    return message(400, {
      title: "This app could not be verified",
      message: `The app's client ID is a URL, and the document at it could not be used: ${cimdProblem(error.detail)}.`,
      code: error.metadataUrl,
      hint: "Nothing was shared. If you make this app, publish a valid Client ID Metadata Document at that URL.",
    });
  }
  throw error;
}

/**
 * The provider's own diagnoses (HTTP status, invalid document) help the app's author. Every way of
 * getting no answer at all is already one sentence of this server's (./guards/cimd-fetch.ts), and
 * the provider's timeout, or any runtime text that still got through, says the same: nothing here
 * tells an open port from a closed one.
 */
function cimdProblem(detail: string): string {
  if (/HTTP 3\d\d\b/.test(detail)) {
    return "it redirects elsewhere, and a client's metadata must be served at its client ID itself (redirects are not followed)";
  }
  if (/timed out|internal error|reference\s*=|network|connection/i.test(detail)) return UNREACHABLE;
  return detail;
}
