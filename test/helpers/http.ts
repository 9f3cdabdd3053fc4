import { expect } from "vitest";
import type { Secrets } from "../../src/template/config.js";
import { BASE, fetchWorker } from "./worker.js";

/** Core tests run with authentication off: they test the transport, not OAuth. */
export const OPEN = { MCP_AUTH: "none" } as const;

export const PING = { jsonrpc: "2.0", id: 1, method: "ping" } as const;
export const TOOLS_LIST = { jsonrpc: "2.0", id: 2, method: "tools/list" } as const;
export const INITIALIZED = { jsonrpc: "2.0", method: "notifications/initialized" } as const;

export interface PostOptions {
  /** Full URL of the endpoint; the default is the dev server's http://localhost:8787/mcp. */
  url?: string;
  headers?: Record<string, string>;
  vars?: Partial<Env & Secrets>;
}

/**
 * POSTs to /mcp through the Worker with a well-behaved client's headers, which `headers`
 * overrides (an empty string removes one). A non-string body is sent as JSON.
 */
export function post(body: unknown, options: PostOptions = {}): Promise<Response> {
  const headers = new Headers({ "Content-Type": "application/json", Accept: "application/json, text/event-stream" });
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === "") headers.delete(name);
    else headers.set(name, value);
  }
  return fetchWorker(
    options.url ?? `${BASE}/mcp`,
    { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) },
    { ...OPEN, ...options.vars },
  );
}

/** The JSON-RPC error of a refused request, checking it is one. */
export async function errorOf(response: Response): Promise<{ code: number; message: string }> {
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = (await response.json()) as { jsonrpc: string; error: { code: number; message: string } };
  expect(body.jsonrpc).toBe("2.0");
  expect(body.error).toEqual({ code: expect.any(Number), message: expect.any(String) });
  return body.error;
}

/** The JSON-RPC messages of an SSE response (`event: message` / `data:` lines). */
export async function sseMessages(response: Response): Promise<unknown[]> {
  expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
  const text = await response.text();
  return text
    .split(/\r?\n\r?\n/)
    .map((event) =>
      event
        .split(/\r?\n/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n"),
    )
    .filter(Boolean)
    .map((data) => JSON.parse(data));
}
