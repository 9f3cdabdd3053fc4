/**
 * A JSON-RPC error as an HTTP response, the shape the SDK itself uses for transport-level
 * failures, so clients see one format whether the router or the SDK refused the request. `id`:
 * the request's, when the refusal answers one request whose id is known; null otherwise.
 */
export function jsonRpcError(
  status: number,
  code: number,
  message: string,
  headers?: HeadersInit,
  data?: unknown,
  id: string | number | null = null,
): Response {
  const error = data === undefined ? { code, message } : { code, message, data };
  return Response.json({ jsonrpc: "2.0", error, id }, { status, headers });
}
