import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import worker from "../../src/index.js";

// The handler's parameter type: a request as it arrives from the edge (with `cf`).
type IncomingRequest = Request<unknown, IncomingRequestCfProperties>;

export const BASE = "http://localhost:8787";

/**
 * Calls the Worker as a client would. With `vars`, the Worker gets wrangler.toml's env with those
 * settings changed (e.g. MCP_AUTH=none), through its real default export.
 */
export async function fetchWorker(
  input: string | URL | Request,
  init?: RequestInit,
  vars?: Partial<Env>,
): Promise<Response> {
  const request = new Request(typeof input === "string" && input.startsWith("/") ? BASE + input : input, init);
  if (!vars) return exports.default.fetch(request);
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as IncomingRequest, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** A `fetch` for SDK clients that goes to the Worker instead of the network. */
export function workerFetch(vars?: Partial<Env>): typeof fetch {
  return (input, init) => fetchWorker(input instanceof Request ? input : String(input), init, vars);
}
