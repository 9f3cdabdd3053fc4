/**
 * One spelling per path, before anything routes on it. The OAuth provider compares paths as
 * they arrive (`/%6dcp` is not `/mcp` to it) while Hono decodes them (`/%6dcp` is `/mcp`), so an
 * encoded path used to reach the MCP handler without a token check. Percent-encoded unreserved
 * characters (RFC 3986 §2.3: letters, digits, `-._~`) mean the same as the characters
 * themselves (§6.2.2.2), so they are decoded here, once, for the provider and the app alike.
 * Nothing else is decoded (`%2F` stays a byte of a segment, `%25` stays a percent sign), so a
 * second decoding downstream cannot produce a new route.
 */
export function normalizePath(request: Request): Request {
  // No percent sign anywhere in the URL (nearly every request): nothing to decode, nothing to parse.
  if (!request.url.includes("%")) return request;
  const url = new URL(request.url);
  if (!url.pathname.includes("%")) return request;
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : encoded.toUpperCase();
  });
  if (path === url.pathname) return request;
  // The URL parser resolves any dot segments the decoding produced (`/a/%2e%2e/mcp` is `/mcp`).
  url.pathname = path;
  return new Request(url, request);
}
