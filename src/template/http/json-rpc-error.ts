/**
 * A JSON-RPC error as an HTTP response, the shape the SDK itself uses for transport-level
 * failures, so clients see one format whether the router or the SDK refused the request.
 */
export function jsonRpcError(
  status: number,
  code: number,
  message: string,
  headers?: HeadersInit,
  data?: unknown,
): Response {
  const error = data === undefined ? { code, message } : { code, message, data };
  return Response.json({ jsonrpc: "2.0", error, id: null }, { status, headers });
}
