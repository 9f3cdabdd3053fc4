import { type Check, type CheckId, fail } from "./check.ts";
import { FIX } from "./fixes.ts";
import { cloudflareVerdict, type Exchange, excerpt, isLoopback, isObject, type Outcome } from "./http.ts";
import type { Issue, Parser } from "./spec.ts";

/** The ways an answer can go wrong, each turned into a failed check that says what to do. */

/** A 403 or a Cloudflare page, explained; undefined when the answer is something else. */
export function refusal(id: CheckId, exchange: Exchange, fix403: string): Check | undefined {
  const verdict = cloudflareVerdict(exchange);
  const where = `${exchange.url} answered ${exchange.status}`;
  if (verdict === "challenge") {
    const sign = /challenge/i.test(exchange.headers.get("cf-mitigated") ?? "")
      ? "cf-mitigated: challenge"
      : "a “Just a moment…” challenge page";
    return fail(
      id,
      "cloudflare-challenge",
      `${where} with ${sign}: Cloudflare Bot Fight Mode (or Super Bot Fight Mode, or a challenge rule) stopped SmitheryBot, which runs no JavaScript and cannot pass a challenge`,
      FIX.challenge,
    );
  }
  if (verdict === "block") {
    return fail(
      id,
      "cloudflare-block",
      `${where} with Cloudflare's block page: a WAF or IP rule refused SmitheryBot`,
      FIX.block,
    );
  }
  if (exchange.status === 403) {
    const body = excerpt(exchange.text);
    return fail(id, "forbidden", `${where} Forbidden${body ? ` (${body})` : ""}`, fix403);
  }
  return undefined;
}

export function unreachable(id: CheckId, url: string, outcome: Extract<Outcome, { ok: false }>): Check {
  const local = isLoopback(new URL(url).hostname);
  return fail(
    id,
    outcome.error.startsWith("no answer within") ? "timeout" : "unreachable",
    `${url}: ${outcome.error}`,
    local
      ? "Start the server (npm run dev) and check the port."
      : "Check the URL, that the Worker is deployed (npm run deploy), and that its DNS name resolves.",
  );
}

/** Statuses other than 2xx, 401 and 403 (handled before), as a failed check. */
export function httpFailure(id: CheckId, ex: Exchange): Check | undefined {
  if (ex.status >= 200 && ex.status < 300) return undefined;
  const body = excerpt(ex.text);
  const seen = `${ex.url} answered ${ex.status}${body ? `: ${body}` : ""}`;
  if (ex.status >= 300 && ex.status < 400) {
    const location = ex.headers.get("Location");
    return fail(
      id,
      "redirect",
      `${ex.url} redirects (${ex.status}) to ${location ?? "(no Location)"}`,
      "Publish the URL the redirect leads to: the scanner posts to the URL you give it and does not follow redirects.",
    );
  }
  if (ex.status === 404 || ex.status === 405) {
    return fail(
      id,
      "not-mcp-endpoint",
      seen,
      "Point at the Streamable HTTP endpoint that takes POSTed JSON-RPC (this template's is /mcp).",
    );
  }
  if (ex.status === 429) {
    return fail(
      id,
      "rate-limited",
      seen,
      "A rate limit refused the scanner: exempt the User-Agent SmitheryBot, or raise the limit.",
    );
  }
  if (ex.status >= 500) {
    return fail(
      id,
      "server-error",
      seen,
      "The server failed: read its logs (npx wrangler tail for a deployed Worker).",
    );
  }
  return fail(
    id,
    "http-error",
    seen,
    "The scanner sends a plain MCP initialize (POST, application/json, Accept: application/json, text/event-stream): accept it.",
  );
}

export type RpcResult<T> = { ok: true; value: T } | { ok: false; check: Check };

/** The `result` of a JSON-RPC answer, checked against the SDK's schema for it. */
export function rpcResult<T>(id: CheckId, method: string, ex: Exchange, schema: Parser<T>): RpcResult<T> {
  const message = ex.json;
  if (!isObject(message) || message.jsonrpc !== "2.0") {
    const type = ex.headers.get("Content-Type") ?? "no Content-Type";
    return {
      ok: false,
      check: fail(
        id,
        "not-json-rpc",
        `${method} got ${ex.status} (${type}) that is not a JSON-RPC answer: ${excerpt(ex.text) || "(empty)"}`,
        "Serve MCP over Streamable HTTP at this URL: answer a POSTed JSON-RPC request with JSON or an SSE stream.",
      ),
    };
  }
  if (message.error !== undefined) {
    const error = isObject(message.error) ? message.error : {};
    return {
      ok: false,
      check: fail(
        id,
        "rpc-error",
        `${method} failed: ${String(error.message ?? JSON.stringify(message.error))} (code ${String(error.code)})`,
        "Fix the server so that this request succeeds without any settings: Smithery's scanner sends none.",
      ),
    };
  }
  const parsed = schema.safeParse(message.result);
  if (!parsed.success) {
    return {
      ok: false,
      check: fail(
        id,
        "invalid-result",
        `${method} answered a result that is not what MCP specifies: ${issues(parsed.error)}`,
        "Answer with the shape the MCP specification gives (the SDK's types).",
      ),
    };
  }
  return { ok: true, value: parsed.data };
}

export function issues(error: { issues: Issue[] }, label?: (path: PropertyKey[]) => string): string {
  const list = error.issues
    .slice(0, 5)
    .map((i) => `${label ? label(i.path) : i.path.join(".") || "(root)"}: ${i.message}`);
  return list.join("; ") + (error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : "");
}
