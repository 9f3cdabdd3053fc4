import type { AnyTool } from "../mcp/define.js";
import { jsonRpcError } from "./json-rpc-error.js";
import { MAX_BATCH_MESSAGES } from "./middleware/json-rpc-body.js";

/**
 * Per-caller limits on /mcp, on Cloudflare's Workers Rate Limiting binding (wrangler.toml
 * `[[ratelimits]]`): every message of a request counts against MCP_RATE_LIMIT, and a call to a
 * tool with a `rateLimit` of its own also against that binding, for that tool. Over a limit, the
 * request is refused before anything runs: HTTP 429, `Retry-After`, and a JSON-RPC error, which
 * the SDK clients of both eras surface.
 *
 * Why this binding and not a Durable Object (the OAuth guards' counters are one): the binding
 * costs nothing (no request, no duration, no storage billed), adds no round trip (its counters are
 * cached in the location the Worker runs in), and is made for exactly this. What it gives up:
 * counts are per Cloudflare location (a caller reaching two locations has two budgets) and
 * eventually consistent (a burst can pass a little over the limit before the count catches up).
 * For a guard against one caller outrunning everyone that is right; for exact accounting (a
 * quota that bills), a Durable Object is. docs/production.md, "Per-caller limits".
 *
 * Who a caller is: src/template/caller.ts. A binding that is not bound (its block deleted from
 * wrangler.toml) is a limit turned off, and RATE_LIMITS=off turns them all off; a tool that names
 * a binding that is not bound is refused (its limit guards something outside, and nothing counts it).
 */

/** The binding every message to /mcp counts against. */
export const CALLER_LIMIT = "MCP_RATE_LIMIT";

/**
 * The seconds a refused caller is told to wait: the longest period a binding can have. The
 * binding answers only yes or no, never when its window ends.
 */
export const RETRY_AFTER = 60;

export interface Refusal {
  response: Response;
  /** Which limit refused (429): the caller's, or a tool's own; unset when the limiter failed (503). */
  by?: "caller" | "tool";
}

/**
 * Counts a request (`messages` of them, and the calls of tools with a limit of their own) for the
 * caller `who` (a counter key, src/template/caller.ts). The answer to send instead when refused.
 */
export async function overLimit(
  env: Env,
  who: string,
  messages: readonly unknown[],
  calls: readonly AnyTool[],
): Promise<Refusal | undefined> {
  // The request's id, for the error that answers it (2026-07-28 clients require one).
  const id = messages.length === 1 ? idOf(messages[0]) : null;
  try {
    const caller = bindingNamed(env, CALLER_LIMIT);
    if (caller && !(await countEach(caller, who, Math.min(messages.length, MAX_BATCH_MESSAGES)))) {
      return refusal("caller", "Too many requests: you are over this server's limit.", id);
    }
    for (const tool of calls) {
      const binding = bindingNamed(env, tool.rateLimit!);
      if (!binding) {
        console.error(
          `mcp: ${tool.name} has rateLimit ${tool.rateLimit}, which is not bound (wrangler.toml [[ratelimits]])`,
        );
        return unavailable(`${tool.name} cannot be called: its rate limit is not configured on the server.`, id);
      }
      if (!(await binding.limit({ key: `${tool.name} ${who}` })).success) {
        return refusal("tool", `Too many calls to ${tool.name}: you are over its limit.`, id);
      }
    }
    return undefined;
  } catch (error) {
    // An uncounted call is what the limit exists to stop: refused, as the OAuth guards do.
    console.error("mcp: the rate limiter failed:", error instanceof Error ? error.message : String(error));
    return unavailable("The server cannot count requests right now; try again in a minute.", id);
  }
}

/** Counts `n` for `key` (a batch: one per message, together); whether every one was allowed. */
async function countEach(binding: RateLimit, key: string, n: number): Promise<boolean> {
  if (n === 1) return (await binding.limit({ key })).success;
  const outcomes = await Promise.all(Array.from({ length: n }, () => binding.limit({ key })));
  return outcomes.every((outcome) => outcome.success);
}

function refusal(by: Refusal["by"], message: string, id: string | number | null): Refusal {
  const response = jsonRpcError(
    429,
    -32000,
    `${message} Try again in ${RETRY_AFTER} s.`,
    { "Retry-After": String(RETRY_AFTER), "Cache-Control": "no-store" },
    { retryAfter: RETRY_AFTER, limit: by },
    id,
  );
  return { response, by };
}

function unavailable(message: string, id: string | number | null): Refusal {
  const headers = { "Retry-After": String(RETRY_AFTER), "Cache-Control": "no-store" };
  return { response: jsonRpcError(503, -32603, message, headers, undefined, id) };
}

function idOf(message: unknown): string | number | null {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === "string" || typeof id === "number" ? id : null;
}

/** A rate-limit binding by name, looked up at run time: a deleted block is no binding, not a type error. */
function bindingNamed(env: Env, name: string): RateLimit | undefined {
  const binding = (env as unknown as Record<string, unknown>)[name] as Partial<RateLimit> | undefined;
  return typeof binding?.limit === "function" ? (binding as RateLimit) : undefined;
}
