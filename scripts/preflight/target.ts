import { type Check, fail, pass, type Target } from "./check.ts";
import { isLoopback } from "./http.ts";

/**
 * The base URL, or the MCP URL itself: `https://host` means `https://host/mcp` (this template's
 * endpoint); any other path is taken as the endpoint. No scheme: http for localhost, else https.
 */
export function resolveTarget(input: string): Target | string {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)
    ? trimmed
    : `${/^(localhost|127\.|\[::1\])/i.test(trimmed) ? "http" : "https"}://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return `"${input}" is not a URL`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `"${input}" is not an http(s) URL`;
  url.hash = "";
  if (url.pathname === "/") url.pathname = "/mcp";
  return {
    mcpUrl: url.href,
    resource: url.origin + url.pathname,
    cardUrl: `${url.origin}/.well-known/mcp/server-card.json`,
    origin: url.origin,
  };
}

export function checkHttps(target: Target): Check {
  const url = new URL(target.mcpUrl);
  if (url.protocol === "https:") return pass("target.https", `${url.origin} is served over https`);
  if (isLoopback(url.hostname)) {
    return pass("target.https", `${url.hostname} is local, so http is fine here; publish the https URL of your deploy`);
  }
  return fail(
    "target.https",
    "not-https",
    `${target.mcpUrl} is plain http on a public host`,
    "Smithery publishes https URLs only: deploy (npm run deploy) and check the https URL it prints.",
  );
}

/** Where RFC 9728 puts the protected-resource metadata for the MCP URL. */
export function prmUrlFor(target: Target): string {
  const path = new URL(target.resource).pathname;
  return `${target.origin}/.well-known/oauth-protected-resource${path === "/" ? "" : path}`;
}
