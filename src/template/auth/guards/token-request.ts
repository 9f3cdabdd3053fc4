import { CODE_VERIFIER, ISSUED_TOKEN, isClientIdShape } from "./shapes.js";

/** Token requests are a handful of short fields; nothing legitimate comes near this. */
export const MAX_TOKEN_BODY_BYTES = 8 * 1024;

/** Each parameter's shape; refused before the provider turns any of them into a KV key. */
const PARAMETERS: Record<string, (value: string) => boolean> = {
  grant_type: (v) => v.length <= 100,
  code: (v) => ISSUED_TOKEN.test(v),
  refresh_token: (v) => ISSUED_TOKEN.test(v),
  token: (v) => ISSUED_TOKEN.test(v), // revocation (RFC 7009)
  token_type_hint: (v) => v.length <= 50,
  client_id: isClientIdShape,
  client_secret: (v) => v.length <= 256,
  // private_key_jwt (CIMD clients such as ChatGPT): a signed JWT, a few hundred bytes to ~2 KiB.
  client_assertion: (v) => v.length <= 4096,
  client_assertion_type: (v) => v.length <= 100,
  code_verifier: (v) => CODE_VERIFIER.test(v),
  redirect_uri: (v) => v.length <= 2048,
  resource: (v) => v.length <= 2048,
  scope: (v) => v.length <= 1024,
};

export type TokenRequest = { ok: true; body: string; params: URLSearchParams } | { ok: false; response: Response };

/**
 * Reads and checks a POST to the token endpoint: form-encoded, at most MAX_TOKEN_BODY_BYTES,
 * every known parameter at most once (RFC 6749 §3.2; `resource` may repeat, RFC 8707) and of
 * the shape this server issues, and client credentials in an `Authorization: Basic` header that
 * decode to a plausible client_id. Refusals use RFC 6749 §5.2's codes.
 *
 * A code exchange must name the redirect URI (RFC 6749 §4.1.3: required when the authorization
 * request carried one, and every request here does, since the provider refuses one without).
 * The provider itself checks it only when present.
 */
export async function readTokenRequest(request: Request): Promise<TokenRequest> {
  const type = request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    return refuse(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
  }
  const basic = basicClientId(request.headers.get("Authorization"));
  if (basic === false) {
    return refuse(401, "invalid_client", "Client authentication failed", { "WWW-Authenticate": 'Basic realm="OAuth"' });
  }
  const text = await readBounded(request, MAX_TOKEN_BODY_BYTES);
  if (text === undefined)
    return refuse(413, "invalid_request", `The body must be at most ${MAX_TOKEN_BODY_BYTES} bytes`);
  if (text === null) return refuse(400, "invalid_request", "The body could not be read");
  const params = new URLSearchParams(text);
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    const check = PARAMETERS[name];
    if (!check) continue;
    if (values.length > 1 && name !== "resource") return refuse(400, "invalid_request", `${name} must not be repeated`);
    for (const value of values) {
      if (check(value)) continue;
      if (name === "client_id") return refuse(400, "invalid_client", "Unknown client");
      if (name === "code" || name === "refresh_token") {
        return refuse(
          400,
          "invalid_grant",
          `The ${name === "code" ? "authorization code" : "refresh token"} is not valid`,
        );
      }
      return refuse(400, "invalid_request", `${name} is malformed or too long`);
    }
  }
  if (params.get("grant_type") === "authorization_code" && !params.has("redirect_uri")) {
    return refuse(400, "invalid_request", "redirect_uri is required: the authorization request named one");
  }
  return { ok: true, body: text, params };
}

/** The client_id of a Basic header (RFC 6749 §2.3.1): undefined without one, false when implausible. */
function basicClientId(header: string | null): string | undefined | false {
  if (!header || !/^basic\s/i.test(header)) return undefined;
  if (header.length > 1024) return false;
  try {
    const decoded = atob(header.slice(6).trim());
    const id = decodeURIComponent(decoded.slice(0, Math.max(0, decoded.indexOf(":"))).replace(/\+/g, " "));
    return isClientIdShape(id) ? id : false;
  } catch {
    return false;
  }
}

export function refuse(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): { ok: false; response: Response } {
  return {
    ok: false,
    response: Response.json(
      { error, error_description: description },
      { status, headers: { "Cache-Control": "no-store", ...headers } },
    ),
  };
}

/**
 * The body as text, counting bytes as they arrive (a chunked body declares no length):
 * undefined when over `limit`, null when it could not be read (the client went away, say).
 */
export async function readBounded(request: Request, limit: number): Promise<string | undefined | null> {
  if (Number(request.headers.get("Content-Length")) > limit) return undefined;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
