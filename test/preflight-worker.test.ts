import { describe, expect, it } from "vitest";
import { runPreflight } from "../scripts/preflight/checks.ts";
import { BASE, workerFetch } from "./helpers/worker.js";

/**
 * The preflight (scripts/preflight/checks.ts, what `npm run preflight` runs) against this Worker:
 * the template itself must pass every check Smithery's scan depends on.
 */
describe("the preflight against this Worker", () => {
  it.each([BASE, "https://mcp.example.com"])("passes with MCP_AUTH=none at %s: every check ✔", async (base) => {
    const report = await runPreflight(base, { fetch: workerFetch({ MCP_AUTH: "none" }) });
    expect(report.checks.filter((c) => c.status === "fail" || c.status === "warn")).toEqual([]);
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
    ]);
    expect(report.checks.find((c) => c.id === "mcp.tools")!.detail).toBe(
      "3 tools, each a valid MCP Tool: convert_temperature, github_repo, whoami",
    );
  });
});
