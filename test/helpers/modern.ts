import { post } from "./http.js";

export const MODERN = "2026-07-28";

/** The per-request `_meta` envelope a 2026-07-28 client sends with every request. */
export function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientInfo": { name: "raw-test", version: "1.0.0" },
    "io.modelcontextprotocol/clientCapabilities": {},
    ...overrides,
  };
}

export interface ModernOptions {
  id?: number;
  /** Headers to add or override; an empty string removes one (as in `post`). */
  headers?: Record<string, string>;
  vars?: Partial<Env>;
  url?: string;
  /** The envelope; `null` sends none. */
  meta?: Record<string, unknown> | null;
}

/**
 * A 2026-07-28 request as a well-behaved client sends it: the envelope in `params._meta`, and the
 * standard headers MCP-Protocol-Version, Mcp-Method and (for named targets) Mcp-Name.
 */
export function modernPost(method: string, params: Record<string, unknown> = {}, options: ModernOptions = {}) {
  const meta = options.meta === undefined ? envelope() : options.meta;
  const name = typeof params.name === "string" ? params.name : typeof params.uri === "string" ? params.uri : undefined;
  const headers: Record<string, string> = {
    "MCP-Protocol-Version": MODERN,
    "Mcp-Method": method,
    ...(name !== undefined && { "Mcp-Name": name }),
    ...options.headers,
  };
  const body = {
    jsonrpc: "2.0",
    id: options.id ?? 1,
    method,
    params: meta === null ? params : { ...params, _meta: meta },
  };
  return post(body, { headers, vars: options.vars, url: options.url });
}

/** The JSON-RPC answer of a response, whatever its status. */
export async function answerOf(response: Response): Promise<{
  id?: unknown;
  result?: Record<string, unknown> & { _meta?: Record<string, unknown> };
  error?: { code: number; message: string; data?: Record<string, unknown> };
}> {
  return (await response.json()) as never;
}
