import { specTypeSchemas } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { runPreflight } from "../scripts/preflight/checks.ts";
import { emptyRegistry, serving } from "./fixtures/harness.js";
import { CLIENT_KINDS } from "./helpers/clients.js";
import { OPEN, post } from "./helpers/http.js";
import { answerOf, modernPost } from "./helpers/modern.js";
import { BASE, fetchWorker, workerFetch } from "./helpers/worker.js";

// A fork that deleted every example and has not written its first tool yet: no tools, no
// resources, no prompts. Still a valid MCP server in both eras, with pages, cards and a preflight
// that say so, and never a 500.
serving(emptyRegistry);

describe("an empty registry", () => {
  it.each(CLIENT_KINDS)("$label connects, pings, and is offered no capability it cannot use", async (kind) => {
    const client = await kind.connect();
    expect(client.getServerVersion()).toMatchObject({ name: "mcp-worker-template" });
    const capabilities = client.getServerCapabilities() ?? {};
    expect(capabilities).not.toHaveProperty("tools");
    expect(capabilities).not.toHaveProperty("resources");
    expect(capabilities).not.toHaveProperty("prompts");
    await client.close();
  });

  it("2026-07-28: server/discover answers; the list methods are not methods of this server (-32601, not 500)", async () => {
    const discover = await answerOf(await modernPost("server/discover"));
    expect(discover.error).toBeUndefined();
    expect(discover.result).toMatchObject({ supportedVersions: ["2026-07-28"], resultType: "complete" });
    for (const method of ["tools/list", "resources/list", "prompts/list"]) {
      const response = await modernPost(method);
      expect(response.status, method).toBeLessThan(500);
      expect((await answerOf(response)).error, method).toMatchObject({ code: -32601 });
    }
  });

  it("2025-11-25: initialize answers; tools/list is -32601", async () => {
    const init = await post(
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      },
      { headers: { "MCP-Protocol-Version": "2025-11-25" } },
    );
    expect(init.status).toBe(200);
    const list = await post(
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
      { headers: { "MCP-Protocol-Version": "2025-11-25" } },
    );
    expect(list.status).toBeLessThan(500);
    expect((await answerOf(list)).error).toMatchObject({ code: -32601 });
  });

  it.each(["/.well-known/mcp/server-card.json", "/mcp/server-card"])(
    "the card %s is valid, with empty lists",
    async (path) => {
      const response = await fetchWorker(path, undefined, OPEN);
      expect(response.status).toBe(200);
      const card = (await response.json()) as Record<string, unknown[]>;
      expect(card.tools).toEqual([]);
      for (const kind of ["resources", "resourceTemplates", "prompts"]) expect(card[kind] ?? [], kind).toEqual([]);
      const capabilities = specTypeSchemas.ServerCapabilities["~standard"].validate(card.capabilities);
      expect(capabilities.issues).toBeUndefined();
    },
  );

  it("the landing page says there are no tools yet", async () => {
    const page = await fetchWorker("/", { headers: { Accept: "text/html" } }, OPEN);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("No tools yet.");
  });

  it("the preflight fails nothing and warns that there is no tool yet", async () => {
    const report = await runPreflight(BASE, { fetch: workerFetch(OPEN) });
    expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(report.checks.find((c) => c.id === "mcp.tools")).toMatchObject({ status: "warn", problem: "no-tools" });
  });
});
