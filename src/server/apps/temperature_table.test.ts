import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { describe, expect, it } from "vitest";
import { APP_CLIENTS, type AppAwareClient, CLIENT_KINDS, DECLARING_APPS } from "../../../test/helpers/clients.js";
import { fetchWorker } from "../../../test/helpers/worker.js";

// The temperature_table app (./temperature_table.ts, its view in ./temperature_table/), through the
// SDK clients of both protocol eras, for a client that declares the io.modelcontextprotocol/ui
// extension and for one that does not. How apps are offered at all is the harness's
// (test/apps.test.ts); this file goes with the example: delete both together.
const open = { MCP_AUTH: "none" } as const;
const VIEW = "ui://temperature_table/view.html";

const eras = APP_CLIENTS;

describe.each(Object.keys(eras) as (keyof typeof eras)[])("the temperature_table app, %s client", (era) => {
  describe("that declares io.modelcontextprotocol/ui", () => {
    it("finds the view named in the tool's _meta.ui, in both key forms", async () => {
      const client = await eras[era](true);
      const tool = (await client.listTools()).tools.find((t) => t.name === "temperature_table");
      expect(tool?._meta).toMatchObject({ ui: { resourceUri: VIEW }, "ui/resourceUri": VIEW });
      expect(client.getServerCapabilities()).toMatchObject({ extensions: { [EXTENSION_ID]: {} } });
      await client.close();
    });

    it("lists and reads the view: one inlined HTML page with a CSP that allows no network", async () => {
      const client = await eras[era](true);
      const listed = (await client.listResources()).resources.find((r) => r.uri === VIEW);
      expect(listed).toMatchObject({ mimeType: RESOURCE_MIME_TYPE, _meta: { ui: { csp: { connectDomains: [] } } } });

      const { contents } = await client.readResource({ uri: VIEW });
      expect(contents).toHaveLength(1);
      const [page] = contents as [{ uri: string; mimeType: string; text: string; _meta: Record<string, unknown> }];
      expect(page).toMatchObject({ uri: VIEW, mimeType: RESOURCE_MIME_TYPE });
      expect(page._meta).toEqual({
        ui: {
          csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] },
          permissions: {},
          prefersBorder: true,
        },
      });
      // Built into the Worker: the script is inline, and nothing is loaded from anywhere.
      expect(page.text).toMatch(/^<!doctype html>/i);
      expect(page.text).toContain('<script type="module">');
      // (Booleans, not the 240 KB page, in a failure message.) The markup and styles around the
      // script load nothing either.
      const markup = page.text.replace(/<script type="module">[\s\S]*?<\/script>/, "<script></script>");
      expect(/<script[^>]*\ssrc=/i.test(markup), "an external script").toBe(false);
      expect(/<link[\s>]|@import|url\(|<img|<iframe/i.test(markup), "something loaded from elsewhere").toBe(false);
      expect(page.text).toContain("default-src 'none'");
      await client.close();
    });

    it("calls the tool: text for the model, structuredContent for the view", async () => {
      const client = await eras[era](true);
      const result = await client.callTool({
        name: "temperature_table",
        arguments: { start: -40, end: 100, unit: "celsius", steps: 3 },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({
        unit: "celsius",
        start: -40,
        end: 100,
        rows: [
          { celsius: -40, fahrenheit: -40, kelvin: 233.15 },
          { celsius: 30, fahrenheit: 86, kelvin: 303.15 },
          { celsius: 100, fahrenheit: 212, kelvin: 373.15 },
        ],
      });
      expect(result.content).toEqual([
        {
          type: "text",
          text: "From -40 to 100 °C:\n-40 °C = -40 °F = 233.15 K\n30 °C = 86 °F = 303.15 K\n100 °C = 212 °F = 373.15 K",
        },
      ]);
      await client.close();
    });
  });

  describe("that does not declare it", () => {
    it("gets the same tool with no view attached", async () => {
      const client = await eras[era](false);
      const tool = (await client.listTools()).tools.find((t) => t.name === "temperature_table");
      expect(tool).toBeDefined();
      expect(tool?._meta?.ui).toBeUndefined();
      expect(tool?._meta?.["ui/resourceUri"]).toBeUndefined();
      await client.close();
    });

    it("is not offered the view: not listed, and reading it is an unknown resource", async () => {
      const client = await eras[era](false);
      const { resources } = await client.listResources();
      expect(resources.map((r) => r.uri)).not.toContain(VIEW);
      expect(resources.some((r) => r.uri.startsWith("ui://"))).toBe(false);
      await expect(client.readResource({ uri: VIEW })).rejects.toThrow(/-32602|not found/i);
      await client.close();
    });

    it("still gets text and structured content from the tool", async () => {
      const client = await eras[era](false);
      const result = await client.callTool({
        name: "temperature_table",
        arguments: { start: 0, end: 100, unit: "celsius" },
      });
      expect((result.structuredContent as { rows: unknown[] }).rows).toHaveLength(11);
      expect(JSON.stringify(result.content)).toContain("0 °C = 32 °F = 273.15 K");
      await client.close();
    });
  });
});

describe("the temperature_table app, a 2025 client that declares it but drops Mcp-Session-Id (as Claude's connector is reported to)", () => {
  it("is offered no view (the declaration went with the dropped id), and still gets everything it can render", async () => {
    const dropping = CLIENT_KINDS.find((kind) => kind.dropsSession)!;
    const client = (await dropping.connect({ capabilities: DECLARING_APPS })) as unknown as AppAwareClient;
    const tool = (await client.listTools()).tools.find((t) => t.name === "temperature_table");
    expect(tool).toBeDefined();
    expect(tool?._meta?.ui).toBeUndefined();
    const result = await client.callTool({
      name: "temperature_table",
      arguments: { start: 0, end: 100, unit: "celsius" },
    });
    expect((result.structuredContent as { rows: unknown[] }).rows).toHaveLength(11);
    expect(JSON.stringify(result.content)).toContain("0 °C = 32 °F = 273.15 K");
    await client.close();
  });
});

describe("temperature_table's own rules", () => {
  async function call(args: Record<string, unknown>) {
    const client = await eras["2026-07-28"](false);
    try {
      return await client.callTool({ name: "temperature_table", arguments: args });
    } finally {
      await client.close();
    }
  }

  it("refuses a range below absolute zero as a tool error the view can show", async () => {
    const result = await call({ start: -500, end: 10, unit: "kelvin" });
    expect(result).toMatchObject({ isError: true });
    expect(JSON.stringify(result.content)).toContain("below absolute zero");
    expect(result.structuredContent).toBeUndefined();
  });

  it("accepts absolute zero itself, in any unit (no rounding error at −459.67 °F)", async () => {
    for (const [start, unit] of [
      [0, "kelvin"],
      [-273.15, "celsius"],
      [-459.67, "fahrenheit"],
    ] as const) {
      const result = await call({ start, end: start + 10, unit, steps: 2 });
      expect(result.isError, `${start} ${unit}`).toBeFalsy();
    }
  });

  it("runs a range downwards as given", async () => {
    const result = await call({ start: 100, end: 0, unit: "celsius", steps: 2 });
    expect((result.structuredContent as { rows: { celsius: number }[] }).rows.map((r) => r.celsius)).toEqual([100, 0]);
  });

  it.each([
    ["too many rows", { start: 0, end: 1, unit: "celsius", steps: 26 }],
    ["one row", { start: 0, end: 1, unit: "celsius", steps: 1 }],
    ["a fractional row count", { start: 0, end: 1, unit: "celsius", steps: 2.5 }],
    ["an unknown unit", { start: 0, end: 1, unit: "rankine" }],
    ["an enormous temperature", { start: 0, end: 1e300, unit: "celsius" }],
    ["a missing end", { start: 0, unit: "celsius" }],
  ])("rejects %s before the handler runs", async (_, args) => {
    const client = await eras["2026-07-28"](false);
    const outcome = await client.callTool({ name: "temperature_table", arguments: args }).then(
      (result) => JSON.stringify(result),
      (error: Error) => error.message,
    );
    await client.close();
    expect(outcome).toMatch(/-32602|invalid|too_big|too_small|expected/i);
    expect(outcome).not.toContain("rows");
  });
});

describe("the built view", () => {
  it("is no web page of the Worker: reachable only as ui:// resources", async () => {
    for (const path of ["/temperature_table/view.html", "/views/temperature_table/view.html"]) {
      expect((await fetchWorker(path, undefined, open)).status, path).toBe(404);
    }
  });
});
