import { describe, expect, it } from "vitest";
import * as z from "zod";
import { defineTool } from "../src/template/mcp/define.js";
import { answersOnlyCall, type Registry } from "../src/template/mcp/server.js";
import { serving } from "./fixtures/harness.js";
import { logged } from "./helpers/console.js";
import { post, sseMessages } from "./helpers/http.js";

// A tool's `answersOnly` (src/template/mcp/define.ts): a 2025-era call of a tool that sends nothing before
// its result is answered as one JSON body from the start; a tool that reports keeps its stream.

const none = z.object({});

const quiet = defineTool({
  name: "quiet",
  description: "Only answers, and says so.",
  inputSchema: none,
  answersOnly: true,
  handler: () => ({ content: [{ type: "text", text: "done" }] }),
});

const chatty = defineTool({
  name: "chatty",
  description: "Logs, then answers (answersOnly unset, the default).",
  inputSchema: none,
  async handler(_args, { mcp }) {
    await mcp.mcpReq.log("info", "working");
    return { content: [{ type: "text", text: "done" }] };
  },
});

const liar = defineTool({
  name: "liar",
  description: "Declares answersOnly, and logs anyway.",
  inputSchema: none,
  answersOnly: true,
  async handler(_args, { mcp }) {
    await mcp.mcpReq.log("info", "nobody hears this");
    return { content: [{ type: "text", text: "done" }] };
  },
});

const registry: Registry = { tools: [quiet, chatty, liar], resources: [], prompts: [], capabilities: { logging: {} } };
serving(registry);

const LEGACY = { "MCP-Protocol-Version": "2025-11-25" };

function call(name: string, headers: Record<string, string> = {}) {
  return post(
    { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name, arguments: {} } },
    { headers: { ...LEGACY, ...headers } },
  );
}

describe("answersOnly, 2025 era, a client that takes JSON and an event stream", () => {
  it("a tool that declares it answers one JSON body", async () => {
    const response = await call("quiet");
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ id: 5, result: { content: [{ text: "done" }] } });
  });

  it("a tool that logs (answersOnly unset) still streams its log, then the result", async () => {
    const messages = (await sseMessages(await call("chatty"))) as { method?: string; params?: { data?: unknown } }[];
    expect(messages.map((m) => m.method ?? "result")).toEqual(["notifications/message", "result"]);
    expect(messages[0]?.params?.data).toBe("working");
  });

  it("a tool that declares it and logs anyway: JSON from the start (the log is dropped), and a warning", async () => {
    const response = await call("liar");
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ id: 5, result: { content: [{ text: "done" }] } });
    expect(logged("warn")).toEqual([
      expect.stringContaining("tool liar declares answersOnly but sent notifications/message"),
    ]);
  });

  it("a client that takes only an event stream still gets one", async () => {
    const messages = await sseMessages(await call("quiet", { Accept: "text/event-stream" }));
    expect(messages).toEqual([
      expect.objectContaining({ id: 5, result: expect.objectContaining({ content: expect.any(Array) }) }),
    ]);
  });
});

describe("answersOnlyCall", () => {
  it("names the called tool only when it declared answersOnly", () => {
    const called = (name: unknown, method = "tools/call") =>
      answersOnlyCall({ jsonrpc: "2.0", id: 1, method, params: { name } });
    expect(called("quiet")).toBe("quiet");
    expect(called("liar")).toBe("liar");
    expect(called("chatty")).toBeUndefined();
    expect(called("unknown")).toBeUndefined();
    expect(called(42)).toBeUndefined();
    expect(called("quiet", "prompts/get")).toBeUndefined();
    expect(
      answersOnlyCall([{ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "quiet" } }]),
    ).toBeUndefined();
  });
});
