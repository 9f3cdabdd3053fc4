import { describe, expect, it } from "vitest";
import { type PreflightReport, runPreflight } from "../scripts/preflight/checks.ts";
import { harnessRegistry, serving } from "./fixtures/harness.js";
import { initialize, ORIGIN, rpc, signIn, withPassphrase } from "./helpers/oauth.js";
import { CLEAN_OAUTH_SCAN } from "./helpers/stand-ins.js";
import { BASE, workerFetch } from "./helpers/worker.js";

/**
 * The preflight (scripts/preflight/checks.ts, what `npm run preflight` runs) against this Worker:
 * the template itself must pass every check Smithery's scan depends on, with authentication off
 * and with it on (the default).
 */
// The harness fixtures (test/fixtures/harness.ts), in the registry's order, not the examples.
serving();
const { tools } = harnessRegistry;
const LISTED = `${tools.length} tools, each a valid MCP Tool: ${tools.map((t) => t.name).join(", ")}`;
const problems = (report: PreflightReport) => report.checks.filter((c) => c.status === "fail" || c.status === "warn");
const detail = (report: PreflightReport, id: string) => report.checks.find((c) => c.id === id)?.detail;

describe("the preflight against this Worker", () => {
  it.each([BASE, ORIGIN])("passes with MCP_AUTH=none at %s: every check ✔", async (base) => {
    const report = await runPreflight(base, { fetch: workerFetch({ MCP_AUTH: "none" }) });
    expect(problems(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.auth).toBe("none");
    expect(report.checks.map((c) => c.id)).toEqual([
      "target.https",
      "mcp.endpoint",
      "oauth.discovery",
      "mcp.tools",
      "card.reachable",
      "card.json",
      "card.server-info",
      "card.tools",
      "card.lists",
      "card.auth",
      "card.cors",
      "health",
    ]);
    expect(detail(report, "mcp.tools")).toBe(LISTED);
  });

  it.each([BASE, ORIGIN])(
    "passes with the default MCP_AUTH=oauth: SmitheryBot gets 401 with resource_metadata, and discovery completes (%s)",
    async (base) => {
      const report = await runPreflight(base, { fetch: workerFetch(withPassphrase) });
      expect(problems(report)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.auth).toBe("oauth");
      expect(report.userAgent).toBe("SmitheryBot/1.0 (+https://smithery.ai)");
      expect(report.checks.map((c) => [c.id, c.status])).toEqual(CLEAN_OAUTH_SCAN);
      expect(detail(report, "mcp.endpoint")).toBe(
        `401 with WWW-Authenticate: Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp": OAuth discovery can start`,
      );
      expect(detail(report, "oauth.protected-resource")).toBe(`resource "${base}/mcp", authorization server ${base}`);
    },
  );

  it("with a token from the OAuth flow, lists the tools as Smithery does once its scan is authorized", async () => {
    const { tokens } = await signIn();
    const report = await runPreflight(ORIGIN, { fetch: workerFetch(withPassphrase), token: tokens.access_token });
    expect(problems(report)).toEqual([]);
    expect(detail(report, "mcp.tools")).toBe(LISTED);

    const stale = await runPreflight(ORIGIN, { fetch: workerFetch(withPassphrase), token: "garbage" });
    expect(stale.checks.find((c) => c.id === "mcp.tools")).toMatchObject({ status: "fail", problem: "token-refused" });
  });
});

describe("session settings with MCP_AUTH=oauth", () => {
  it("travel with a token: a query parameter on the MCP URL and a header", async () => {
    const { tokens } = await signIn();
    const call = {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "show_session", arguments: {} },
    };
    const worker = workerFetch(withPassphrase);
    const answer = await worker(`${ORIGIN}/mcp?temperatureUnit=kelvin`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${tokens.access_token}` },
      body: JSON.stringify(call),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ result: { structuredContent: { temperatureUnit: "kelvin" } } });
  });

  it("a bad setting with a valid token is the same clear 400; without a token, 401 comes first", async () => {
    const { tokens } = await signIn();
    const bad = await rpc(initialize, tokens.access_token, withPassphrase, { "x-github-token": "not a token" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("githubToken (header x-github-token): must be a GitHub token");
    const anonymous = await rpc(initialize, undefined, withPassphrase, { "x-github-token": "not a token" });
    expect(anonymous.status).toBe(401);
  });
});
