/**
 * Where this server will send a sign-in: the redirect URIs a client may register (dynamic
 * registration) and use (every authorization request, whether its client registered or publishes a
 * metadata document). The provider is told to accept RFC 8252 §7.1 private-use schemes
 * (`allowPrivateUseRedirectUris`), which on its own lets any scheme that is not outright dangerous
 * through; this is the narrower rule:
 *
 * - `https://` anywhere;
 * - `http://` only on a loopback host (localhost, 127.0.0.0/8, [::1]), any port (RFC 8252 §7.3);
 * - a private-use scheme only if it is a reverse domain name (`com.example.app:/callback`, as
 *   RFC 8252 §7.1 asks), or one of the schemes real MCP clients register (`cursor://…`,
 *   `vscode://…`), and those only with an authority (`cursor://anysphere.cursor-mcp/…`);
 * - never a fragment, user info, whitespace or control characters, and never a scheme a browser
 *   runs or reads locally (javascript:, data:, file:, …), whatever its spelling.
 *
 * A private-use scheme can be claimed by any app installed on the person's computer: what the
 * server can promise about such a client is in docs/oauth.md ("Private-use redirect URIs").
 */

/** Schemes that real MCP clients register without a reverse-domain name (test/fixtures/clients/). */
export const APP_SCHEMES: ReadonlySet<string> = new Set(["cursor", "vscode", "vscode-insiders", "windsurf"]);

/** Schemes that run, read local data or leave the browser in ways no sign-in should. */
const REFUSED_SCHEMES: ReadonlySet<string> = new Set([
  "javascript",
  "data",
  "file",
  "vbscript",
  "blob",
  "about",
  "filesystem",
  "view-source",
  "jar",
  "intent",
  "mailto",
  "tel",
  "sms",
  "ftp",
  "ws",
  "wss",
]);

const REVERSE_DOMAIN = /^[a-z][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+$/;

/** Why `uri` cannot receive a sign-in here, or undefined when it can. */
export function redirectUriProblem(uri: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  if (/[\s\x00-\x1f\x7f-\x9f]/.test(uri)) return "must not contain spaces or control characters";
  if (uri.includes("#")) return "must not contain a fragment (#)";
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (!scheme) return "must be an absolute URI";
  if (REFUSED_SCHEMES.has(scheme)) return `cannot use the ${scheme}: scheme`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "is not a valid URI";
  }
  if (url.username || url.password) return "must not contain user information";
  if (scheme === "https") return uri.startsWith("https://") ? undefined : "must start with https://";
  if (scheme === "http") {
    if (!uri.startsWith("http://")) return "must start with http://";
    return isLoopbackHost(url.hostname)
      ? undefined
      : "may use http only on a loopback host (127.0.0.1, [::1], localhost)";
  }
  if (REVERSE_DOMAIN.test(scheme)) return undefined;
  if (APP_SCHEMES.has(scheme)) {
    return uri.startsWith(`${scheme}://`) && url.hostname ? undefined : `must name an app after ${scheme}://`;
  }
  return `uses the private-use scheme ${scheme}:, which is neither a reverse domain name (com.example.app:) nor one of ${[...APP_SCHEMES].join(", ")}`;
}

/** Loopback as OAuth redirect URIs mean it (the provider's rule; not *.localhost). */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]") return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4?.slice(1).every((octet) => Number(octet) <= 255) ?? false;
}

/**
 * How a consent page names where a sign-in goes: a web origin's host, "an app on this computer"
 * for loopback, and for a private-use scheme the scheme itself, since whichever installed app
 * claims it receives the code.
 */
export type Destination =
  | { kind: "web"; host: string }
  | { kind: "loopback"; host: string }
  | { kind: "app"; scheme: string; host: string };

export function destinationOf(uri: string): Destination {
  const url = new URL(uri);
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === "https") return { kind: "web", host: url.hostname };
  if (scheme === "http") return { kind: "loopback", host: url.hostname };
  return { kind: "app", scheme, host: url.hostname };
}
