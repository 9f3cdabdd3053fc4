import { describe, expect, it, vi } from "vitest";
import { serving } from "./fixtures/harness.js";
import { CLIENT_KINDS, DECLARING_APPS, droppingSession } from "./helpers/clients.js";
import { workerFetch } from "./helpers/worker.js";

// Clients that keep no MCP session (Claude's connector is reported to drop Mcp-Session-Id and to
// re-initialize before calls): the 2025 era carries what a client declared in that id, so such a
// client is, for every later request, one that declared nothing. The examples' own tests run it
// too (it is one of CLIENT_KINDS); this file proves the stand-in is faithful and what it gets.
serving();

const dropping = CLIENT_KINDS.find((kind) => kind.dropsSession)!;

describe("the session-dropping client (test/helpers/clients.ts)", () => {
  it("never sends Mcp-Session-Id back, though the server gave one, and re-initializes before each call", async () => {
    const inner = workerFetch({ MCP_AUTH: "none" });
    const seen: { method: string | undefined; session: string | null; answeredWith: string | null }[] = [];
    const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await inner(input, init);
      const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { method?: string }) : undefined;
      seen.push({
        method: body?.method,
        session: new Headers(init?.headers).get("Mcp-Session-Id"),
        answeredWith: response.headers.get("Mcp-Session-Id"),
      });
      return response;
    });
    const client = await dropping.connect({
      fetch: droppingSession(spy as typeof fetch),
      capabilities: DECLARING_APPS,
    });
    await client.listTools();
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    await client.close();

    expect(seen.some((s) => s.method === "initialize" && s.answeredWith?.startsWith("v1."))).toBe(true);
    expect(seen.every((s) => s.session === null)).toBe(true);
    const calls = seen.filter((s) => s.method === "tools/list" || s.method === "tools/call");
    for (const call of calls) expect(seen[seen.indexOf(call) - 1]?.method).toBe("initialize");
  });
});

describe("what a client that drops its session gets", () => {
  it("every tool works, with text and structured content", async () => {
    const client = await dropping.connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "panel", "show_session"]));
    expect((await client.callTool({ name: "echo", arguments: { text: "hi" } })).structuredContent).toEqual({
      text: "hi",
    });
    await client.close();
  });

  it("declaring MCP Apps at initialize is forgotten: tools come without a view, and the app tool's result is complete without one", async () => {
    const client = await dropping.connect({ capabilities: DECLARING_APPS });
    const panel = (await client.listTools()).tools.find((t) => t.name === "panel") as {
      _meta?: Record<string, unknown>;
    };
    expect(panel._meta?.ui).toBeUndefined();
    const result = await client.callTool({ name: "panel", arguments: { value: 7 } });
    expect(result.structuredContent).toEqual({ value: 7 });
    expect(JSON.stringify(result.content)).toContain("7");
    await client.close();
  });

  it("the same client keeping its session id is shown the view (the difference is the id, nothing else)", async () => {
    const keeping = CLIENT_KINDS.find((kind) => kind.era === "legacy" && !kind.dropsSession)!;
    const client = await keeping.connect({ capabilities: DECLARING_APPS });
    const panel = (await client.listTools()).tools.find((t) => t.name === "panel") as {
      _meta?: Record<string, unknown>;
    };
    expect(panel._meta?.ui).toMatchObject({ resourceUri: "ui://panel/view.html" });
    await client.close();
  });
});
