import { type Check, type Context, fail, pass, skip, type Target, warn } from "./check.ts";
import { getJson, isObject } from "./http.ts";

/**
 * GET /health, the template's own health check (src/template/health.ts): Smithery does not read
 * it, but a deployment it calls misconfigured fails every scan anyway, and what it names (a
 * setting, a binding, a secret) is the fix. A server without one (not this template) is skipped.
 */
export async function healthCheck(target: Target, ctx: Context): Promise<Check> {
  const url = `${target.origin}/health`;
  const outcome = await getJson(url, ctx);
  if (!outcome.ok) {
    return warn(
      "health",
      "health-unreachable",
      `GET ${url}: ${outcome.error}`,
      "Check that the server is deployed and reachable.",
    );
  }
  const { status, json, headers } = outcome.exchange;
  if (status === 404) return skip("health", `no ${url} (a server not made from this template): nothing to check`);
  const body = isObject(json) ? json : {};
  if (status === 503 && body.status === "misconfigured") {
    const parts = (Array.isArray(body.problems) ? body.problems : []).flatMap((p) =>
      isObject(p) ? Object.entries(p).map(([kind, name]) => `${kind} ${String(name)}`) : [],
    );
    return fail(
      "health",
      "health-misconfigured",
      `503: the server says it is misconfigured: ${parts.join(", ") || "(nothing named)"}`,
      "Fix what it names: a setting in wrangler.toml [vars] (README, Configuration), a binding in wrangler.toml, or a secret with `npx wrangler secret put NAME`; then deploy again. `npx wrangler tail` shows the sentence that explains a setting.",
    );
  }
  if (status !== 200 || body.status !== "ok") {
    return warn(
      "health",
      "health-unexpected",
      `GET ${url} answered ${status}${typeof body.status === "string" ? ` (${body.status})` : ""}`,
      "The template's /health answers 200 or 503 with JSON; something else answers this path.",
    );
  }
  const detail = `ok: version ${String(body.version)}, auth ${String(body.auth)}, revisions ${
    Array.isArray(body.protocolRevisions) ? body.protocolRevisions.join(", ") : "?"
  }`;
  if (!/\bno-store\b/.test(headers.get("Cache-Control") ?? "")) {
    return warn(
      "health",
      "health-cacheable",
      `${detail}; but it may be cached (Cache-Control: ${headers.get("Cache-Control") ?? "none"})`,
      "A cached health answer can say up when the server is down: answer it with Cache-Control: no-store.",
    );
  }
  return pass("health", detail);
}
