import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import type { Secrets } from "../../src/template/config.js";
import worker from "../../src/template/index.js";

export const BASE = "http://localhost:8787";

/**
 * Calls the Worker as a client would. With `vars`, the Worker gets wrangler.toml's env with those
 * settings changed (e.g. MCP_AUTH=none), through its real default export.
 */
export async function fetchWorker(
  input: string | URL | Request,
  init?: RequestInit,
  vars?: Partial<Env & Secrets>,
): Promise<Response> {
  const request = new Request(typeof input === "string" && input.startsWith("/") ? BASE + input : input, init);
  // Cloudflare (and wrangler dev) always say who is calling; rate limits count per address, so a
  // test that does not care gets an address of its own, as distinct clients would have.
  if (!request.headers.has("CF-Connecting-IP")) request.headers.set("CF-Connecting-IP", nextAddress());
  if (!vars) return exports.default.fetch(request);
  const ctx = createExecutionContext();
  // The default export types its request as an incoming one (with `cf`); a test request has none.
  const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

let addresses = 0;
/**
 * A fresh address from 2001:db8::/32 (documentation), each in a /48 of its own: limits count an
 * IPv6 client per /64, /56 and /48, and distinct clients here are distinct networks.
 */
export function nextAddress(): string {
  addresses += 1;
  return `2001:db8:${(addresses & 0xffff).toString(16)}::1`;
}

/** A `fetch` for SDK clients that goes to the Worker instead of the network. */
export function workerFetch(vars?: Partial<Env & Secrets>): typeof fetch {
  return (input, init) => fetchWorker(input instanceof Request ? input : String(input), init, vars);
}
