import { cardChecks } from "./card.ts";
import { type Check, type Context, fail, type PreflightOptions, type PreflightReport, report, skip } from "./check.ts";
import { healthCheck } from "./health.ts";
import { SMITHERY_USER_AGENT } from "./http.ts";
import { authorizedTools, listTools, probeMcp } from "./mcp.ts";
import { oauthChecks } from "./oauth.ts";
import { checkHttps, resolveTarget } from "./target.ts";

export type { Check, CheckId, PreflightOptions, PreflightReport, Status, Target } from "./check.ts";
export { authorizationServerMetadataUrls } from "./oauth.ts";
export { resolveTarget } from "./target.ts";

/**
 * The preflight: what Smithery's scanner does to a URL before it lists a server, done from here,
 * so a failure shows up before publishing rather than after. Pure: every request goes through
 * the `fetch` it is given, so the same checks run from the CLI (Node's fetch, a real server) and
 * in the tests (the Worker's own fetch, or stand-ins that misbehave).
 *
 * This file runs the checks in the scanner's order; each concern is a file beside it: target.ts
 * (the URL), mcp.ts (initialize, tools/list), oauth.ts (discovery metadata), card.ts (the server
 * card), health.ts (the template's GET /health), diagnose.ts (what a bad answer means), check.ts (what a check reports).
 */

export async function runPreflight(input: string, options: PreflightOptions = {}): Promise<PreflightReport> {
  const ctx: Context = {
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    userAgent: options.userAgent ?? SMITHERY_USER_AGENT,
    timeoutMs: options.timeoutMs ?? 10_000,
    token: options.token,
  };
  const target = resolveTarget(input);
  if (typeof target === "string") {
    const check = fail(
      "target.url",
      "invalid-url",
      target,
      "Give the server's base URL, e.g. https://mcp.example.com or http://localhost:8787.",
    );
    return report(input, undefined, "unknown", [check], ctx.userAgent);
  }

  const checks: Check[] = [checkHttps(target)];
  const mcp = await probeMcp(target, ctx);
  checks.push(mcp.check);

  let liveTools: string[] | undefined;
  if (mcp.auth === "none") {
    const tools = await listTools(target, ctx, mcp.session!);
    checks.push(tools.check);
    liveTools = tools.names;
  } else if (mcp.auth === "oauth") {
    checks.push(...(await oauthChecks(target, ctx, mcp.challenge)));
    if (ctx.token) {
      const tools = await authorizedTools(target, ctx);
      checks.push(tools.check);
      liveTools = tools.names;
    } else {
      checks.push(
        skip(
          "mcp.tools",
          "/mcp needs a token: Smithery asks you to authorize its scan (pass --token to list the tools here)",
        ),
      );
    }
  } else {
    checks.push(skip("oauth.discovery", "not checked: /mcp gave no answer that says whether it needs a token"));
  }
  if (mcp.auth === "none") checks.splice(2, 0, skip("oauth.discovery", "not needed: /mcp answered without a token"));

  checks.push(...(await cardChecks(target, ctx, mcp.auth, liveTools)));
  checks.push(await healthCheck(target, ctx));
  return report(input, target, mcp.auth, checks, ctx.userAgent);
}
