/**
 * What to do about each failure, in one place so the wording stays consistent with
 * docs/scan-failures.md (each fix names the section that explains it at length).
 */
const DOC = "docs/scan-failures.md";

export const SECTION = {
  status401: `${DOC}#1-answer-401-not-403`,
  cloudflare: `${DOC}#2-let-smitherybot-through-cloudflare`,
  card: `${DOC}#3-the-static-server-card`,
} as const;

export const FIX = {
  challenge:
    "Let SmitheryBot through Cloudflare. Free plan: WAF rules cannot skip Bot Fight Mode, so turn it off " +
    "(Security → Settings → Bot Fight Mode) or allow the scanner with an IP Access Rule. Pro and above: add a WAF " +
    'custom rule with expression (http.user_agent contains "SmitheryBot") and action Skip → All Super Bot Fight ' +
    "Mode rules. A *.workers.dev hostname is outside the zone's bot settings. Keep authentication on: a " +
    `User-Agent can be spoofed. See ${SECTION.cloudflare}`,
  block:
    "A Cloudflare WAF custom rule, IP Access Rule or Browser Integrity Check refused SmitheryBot (Security → " +
    'Events names the rule). Put an allow (Skip) rule for (http.user_agent contains "SmitheryBot") before it; ' +
    "behind another CDN or WAF, add an allow rule for that User-Agent. Keep authentication on: a User-Agent can " +
    `be spoofed. See ${SECTION.cloudflare}`,
  forbiddenMcp: (prmUrl: string) =>
    "Return 401, not 403: answer a request without a valid token with 401 and " +
    `WWW-Authenticate: Bearer resource_metadata="${prmUrl}" (this template does with MCP_AUTH=oauth). ` +
    "If your server does not send this 403 itself, a WAF custom rule, IP Access Rule or proxy in front of it " +
    `does: allow the User-Agent "SmitheryBot" there. See ${SECTION.status401}`,
  forbiddenPublic:
    "This document must be public: serve it without authentication, and if your server does not send this 403 " +
    'itself, allow the User-Agent "SmitheryBot" in the WAF, IP rule or proxy that does. ' +
    `See ${SECTION.cloudflare}`,
  noResourceMetadata: (prmUrl: string) =>
    `Add resource_metadata to the challenge: WWW-Authenticate: Bearer resource_metadata="${prmUrl}". ` +
    `Smithery and other MCP clients find your OAuth settings through it. See ${SECTION.status401}`,
  prm: (resource: string) =>
    `Serve RFC 9728 metadata there: {"resource": "${resource}", "authorization_servers": ["<issuer>"]}. ` +
    `This template does when MCP_AUTH=oauth. See ${SECTION.status401}`,
  resourceMismatch:
    "The resource must be exactly the URL clients connect to (scheme, host, port and path): tokens are bound to " +
    "it and clients refuse metadata for another resource. With this template, set PUBLIC_URL to the origin you " +
    "publish, or leave it empty so each request's own origin is used.",
  insecure:
    "Serve every URL over https (http is fine on localhost only): Smithery and MCP clients refuse OAuth over " +
    "plain http.",
  cardMissing:
    "Serve a static server card at /.well-known/mcp/server-card.json: Smithery reads it when it cannot scan " +
    `(auth wall, blocked scanner). This template builds it from the live server. See ${SECTION.card}`,
  cardPublic: `Serve the card without authentication: it is how Smithery learns about a server it cannot scan. See ${SECTION.card}`,
  cardFormat: `Fix the card's format: ${SECTION.card} shows a valid one.`,
} as const;
