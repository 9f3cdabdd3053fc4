import type { Client } from "@modelcontextprotocol/client";
import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { describe, expect, it } from "vitest";
import { type AnyTool, isApp } from "../src/template/mcp/define.js";
import { readSession } from "../src/template/mcp/legacy-session.js";
import * as generated from "../src/template/mcp/registry.gen.js";
import { serving } from "./fixtures/harness.js";
import { APP_CLIENTS, DECLARING_APPS } from "./helpers/clients.js";
import { fetchWorker } from "./helpers/worker.js";

// How MCP Apps are offered (src/template/mcp/apps-negotiation.ts, src/template/mcp/server.ts), with the harness's
// app fixture `panel` (test/fixtures/harness.ts): only to clients that declare the
// io.modelcontextprotocol/ui extension, in both protocol eras. Each example app has its own test
// beside it (src/server/apps/<name>.test.ts); "the built views" below checks every app in src/server/apps/.
const open = { MCP_AUTH: "none" } as const;
/** Widened: the generated list is a tuple, and `readonly []` when src/server/apps/ is empty. */
const tools: readonly AnyTool[] = generated.tools;
const VIEW = "ui://panel/view.html";

const eras = APP_CLIENTS;

describe("with the harness's app", () => {
  serving();

  describe.each(Object.keys(eras) as (keyof typeof eras)[])("a %s client", (era) => {
    it("that declares io.modelcontextprotocol/ui gets the tool's _meta.ui (both key forms) and the view listed", async () => {
      const client = await eras[era](true);
      const tool = (await client.listTools()).tools.find((t) => t.name === "panel");
      expect(tool?._meta).toMatchObject({ ui: { resourceUri: VIEW }, "ui/resourceUri": VIEW });
      expect(client.getServerCapabilities()).toMatchObject({ extensions: { [EXTENSION_ID]: {} } });
      const listed = (await client.listResources()).resources.find((r) => r.uri === VIEW);
      expect(listed).toMatchObject({ mimeType: RESOURCE_MIME_TYPE, _meta: { ui: { csp: { connectDomains: [] } } } });
      expect(await client.callTool({ name: "panel", arguments: { value: 3 } })).toMatchObject({
        structuredContent: { value: 3 },
      });
      await client.close();
    });

    it("that does not gets the same tool with no view: none attached, listed or readable", async () => {
      const client = await eras[era](false);
      const tool = (await client.listTools()).tools.find((t) => t.name === "panel");
      expect(tool).toBeDefined();
      expect(tool?._meta?.ui).toBeUndefined();
      expect(tool?._meta?.["ui/resourceUri"]).toBeUndefined();
      const { resources } = await client.listResources();
      expect(resources.some((r) => r.uri.startsWith("ui://"))).toBe(false);
      await expect(client.readResource({ uri: VIEW })).rejects.toThrow(/-32602|not found/i);
      expect(await client.callTool({ name: "panel", arguments: { value: 3 } })).toMatchObject({
        structuredContent: { value: 3 },
      });
      await client.close();
    });

    it("keeps the two answers apart when both kinds of client alternate (one isolate, cached lists)", async () => {
      for (const apps of [true, false, true, false]) {
        const client = await eras[era](apps);
        const tool = (await client.listTools()).tools.find((t) => t.name === "panel");
        expect(tool?._meta?.ui !== undefined).toBe(apps);
        const uris = (await client.listResources()).resources.map((r) => r.uri);
        expect(uris.includes(VIEW)).toBe(apps);
        await client.close();
      }
    });
  });

  describe("cache hints (2026-07-28) for lists that depend on the client's extensions", () => {
    it("makes tools/list and resources/list private, even on an open server; prompts/list stays public", async () => {
      for (const apps of [true, false]) {
        const client = await eras["2026-07-28"](apps);
        expect(await client.listTools()).toMatchObject({ cacheScope: "private" });
        expect(await client.listResources()).toMatchObject({ cacheScope: "private" });
        const prompts = await (client as unknown as Client).listPrompts();
        expect(prompts).toMatchObject({ cacheScope: "public" });
        await client.close();
      }
    });
  });

  describe("the 2025-era declaration outlives initialize on a stateless server", () => {
    const init = (capabilities: unknown) =>
      fetchWorker(
        "/mcp",
        {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: { protocolVersion: "2025-11-25", capabilities, clientInfo: { name: "raw", version: "1" } },
          }),
        },
        open,
      );

    it("gives a session id only to a client that declared the extension, never the same twice", async () => {
      const first = await init(DECLARING_APPS);
      const second = await init(DECLARING_APPS);
      expect(first.status).toBe(200);
      // The session id says so (src/template/mcp/legacy-session.ts), and nothing is stored.
      expect(readSession(first.headers.get("Mcp-Session-Id"))).toMatchObject({ apps: true });
      expect(second.headers.get("Mcp-Session-Id")).not.toBe(first.headers.get("Mcp-Session-Id"));
      expect((await init({})).headers.get("Mcp-Session-Id")).toBeNull();
      // Declaring the extension without the MCP App MIME type is not rendering apps.
      expect(
        (await init({ extensions: { [EXTENSION_ID]: { mimeTypes: ["text/plain"] } } })).headers.get("Mcp-Session-Id"),
      ).toBeNull();
      expect((await init({ extensions: { [EXTENSION_ID]: "yes" } })).headers.get("Mcp-Session-Id")).toBeNull();
    });
  });
});

describe("the built views of src/server/apps/", () => {
  // Every app there, so a fork's own app is checked without a test edit; none is no failure.
  it("each app's view is built, and offered to a client that renders apps", async () => {
    const client = await eras["2026-07-28"](true);
    const listed = (await client.listTools().catch(() => ({ tools: [] }))).tools;
    for (const app of tools.filter(isApp)) {
      const { uri } = app.view;
      expect(listed.find((t) => t.name === app.name)?._meta, app.name).toMatchObject({ ui: { resourceUri: uri } });
      const { contents } = await client.readResource({ uri });
      expect(contents[0], uri).toMatchObject({
        uri,
        mimeType: RESOURCE_MIME_TYPE,
        text: expect.stringMatching(/^<!doctype html>/i),
      });
    }
    await client.close();
  });
});
