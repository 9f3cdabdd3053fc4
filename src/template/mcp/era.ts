import {
  isJSONRPCNotification,
  isJSONRPCRequest,
  isLegacyRequest,
  PROTOCOL_VERSION_META_KEY,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/server";

/** `MCP-Protocol-Version` values that name a 2025-era (or older) revision the SDK knows. */
const LEGACY_VERSIONS: ReadonlySet<string> = new Set(SUPPORTED_PROTOCOL_VERSIONS);

/**
 * Whether a POST to /mcp is a 2025-era request: the SDK's own answer (`isLegacyRequest`), reached
 * without its full classifier for the two shapes nearly every request has. The classifier first
 * tries the body as a posted JSON-RPC *response* (two zod parses that fail, with their error
 * objects, on every request) and checks the JSON-RPC shape, and a 2026-07-28 request is then
 * classified again by the SDK's entry: together about a tenth of a small request's CPU.
 */
export async function isLegacy(request: Request, body: unknown): Promise<boolean> {
  const era = obviousEra(body, request.headers.get("mcp-protocol-version"));
  return era === undefined ? isLegacyRequest(request, body) : era === "legacy";
}

/**
 * The era of a request whose era follows from the SDK's rules without doubt, or undefined (then
 * the SDK decides). Only for a single message with a string `method` and no `result`/`error`
 * (which the SDK would take for a posted response), and never `initialize` (the SDK serves an
 * initialize with an invalid envelope as 2025-era):
 * - the params carry the envelope claim (the protocol-version `_meta` key): not 2025-era, whether
 *   the SDK's entry then serves it or refuses it;
 * - no claim, no `MCP-Protocol-Version` or a 2025-era one, and a valid JSON-RPC request or
 *   notification by the SDK's own checks: 2025-era.
 * test/era.test.ts holds this against `isLegacyRequest` on valid, odd and malformed requests.
 */
export function obviousEra(body: unknown, versionHeader: string | null): "legacy" | "modern" | undefined {
  if (!isPlainObject(body) || typeof body.method !== "string" || body.method === "initialize") return undefined;
  if ("result" in body || "error" in body) return undefined;
  const meta = isPlainObject(body.params) ? body.params._meta : undefined;
  if (isPlainObject(meta) && PROTOCOL_VERSION_META_KEY in meta) return "modern";
  if (versionHeader !== null && !LEGACY_VERSIONS.has(versionHeader)) return undefined;
  return isJSONRPCRequest(body) || isJSONRPCNotification(body) ? "legacy" : undefined;
}

/**
 * The era of a request the SDK has already answered successfully (a replayed list): one that
 * carries the envelope's protocol-version claim is 2026-07-28, any other 2025-era. Exact for those
 * requests, and without the classifier's parse (used for the log line).
 */
export function eraOfAnswered(body: unknown): "legacy" | "modern" {
  const params = isPlainObject(body) && isPlainObject(body.params) ? body.params : undefined;
  return isPlainObject(params?._meta) && PROTOCOL_VERSION_META_KEY in params._meta ? "modern" : "legacy";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
