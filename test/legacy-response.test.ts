import { McpServer, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { defineTool } from "../src/template/mcp/define.js";
import { JsonFirstTransport } from "../src/template/mcp/legacy-response.js";
import type { Registry } from "../src/template/mcp/server.js";
import { serving } from "./fixtures/harness.js";
import { post, sseMessages } from "./helpers/http.js";

// The 2025-era answer shape (src/template/mcp/legacy-response.ts): a call from a client that takes
// JSON and an event stream is answered with one JSON body, unless the handler sends something
// before its result; then with a stream that starts with that message. No flag on the tool.

const ACCEPT = "application/json, text/event-stream";

function call(name: string, id = 3): Request {
  return new Request("http://localhost/mcp", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: ACCEPT, "MCP-Protocol-Version": "2025-11-25" },
    body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: {} } }),
  });
}

const seen = { aborted: false };

async function serve(request: Request, mode: "auto" | "sse" = "auto") {
  const server = new McpServer({ name: "t", version: "1" }, { capabilities: { logging: {} } });
  server.registerTool("quiet", { inputSchema: z.object({}) }, async () => ({
    content: [{ type: "text", text: 'line\nwith "quotes" and data: inside' }],
  }));
  server.registerTool("chatty", { inputSchema: z.object({}) }, async (_args, ctx) => {
    await ctx.mcpReq.log("info", "working");
    return { content: [{ type: "text", text: "done" }] };
  });
  server.registerTool("late", { inputSchema: z.object({}) }, async (_args, ctx) => {
    // Thinks first, then reports twice: the stream opens only then, and loses nothing.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await ctx.mcpReq.log("info", "one");
    await ctx.mcpReq.log("info", "two");
    return { content: [{ type: "text", text: "done" }] };
  });
  server.registerTool("waits", { inputSchema: z.object({}) }, async (_args, ctx) => {
    await ctx.mcpReq.log("info", "waiting");
    await new Promise((resolve) => ctx.mcpReq.signal.addEventListener("abort", resolve));
    seen.aborted = true;
    return { content: [{ type: "text", text: "too late" }] };
  });
  server.registerTool("broken", { inputSchema: z.object({}) }, async () => {
    throw new Error("boom");
  });
  const transport = new JsonFirstTransport(mode);
  await server.connect(transport);
  const parsedBody = await request.clone().json();
  return transport.answer(request, { parsedBody });
}

function messagesIn(text: string) {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line.length > 6)
    .map((line) => JSON.parse(line.slice(6)));
}

describe("JsonFirstTransport", () => {
  it("answers one JSON body when the server sends only the response", async () => {
    const response = await serve(call("quiet"));
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(await response.json()).toMatchObject({
      jsonrpc: "2.0",
      id: 3,
      result: { content: [{ type: "text", text: 'line\nwith "quotes" and data: inside' }] },
    });
  });

  it("answers a tool error as JSON too", async () => {
    const response = await serve(call("broken", 4));
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(await response.json()).toMatchObject({ id: 4, result: { isError: true } });
  });

  it("opens a stream at the first message before the result: the log, then the result, in order", async () => {
    const response = await serve(call("chatty"));
    expect(response.headers.get("Content-Type")).toBe("text/event-stream");
    const messages = messagesIn(await response.text());
    expect(messages.map((m) => m.method ?? (m.result ? "result" : "?"))).toEqual(["notifications/message", "result"]);
    expect(messages[0].params.data).toBe("working");
  });

  it("loses nothing sent later in the call, after the handler has been working a while", async () => {
    const messages = messagesIn(await (await serve(call("late"))).text());
    expect(messages.map((m) => m.params?.data ?? (m.result ? "result" : "?"))).toEqual(["one", "two", "result"]);
  });

  it("`sse` (a client that takes only a stream): a stream even for a call that only answers", async () => {
    const response = await serve(call("quiet"), "sse");
    expect(response.headers.get("Content-Type")).toBe("text/event-stream");
    expect(messagesIn(await response.text())).toEqual([expect.objectContaining({ id: 3, result: expect.any(Object) })]);
  });

  it("a client that closes the stream ends the handler (its signal aborts)", async () => {
    seen.aborted = false;
    const response = await serve(call("waits"));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await vi.waitFor(() => expect(seen.aborted).toBe(true));
  });

  it("leaves the SDK's refusals as they are", async () => {
    const request = new Request("http://localhost/mcp", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: "{}",
    });
    const response = await serve(request);
    expect(response.status).toBe(406);
  });
});

// Through the Worker, as a 2025-era client meets it: no flag on any tool.

const none = z.object({});

const quiet = defineTool({
  name: "quiet",
  description: "Only answers.",
  inputSchema: none,
  handler: () => ({ content: [{ type: "text", text: "done" }] }),
});

const chatty = defineTool({
  name: "chatty",
  description: "Logs, then answers.",
  inputSchema: none,
  async handler(_args, { mcp }) {
    await mcp.mcpReq.log("info", "working");
    return { content: [{ type: "text", text: "done" }] };
  },
});

const progress = defineTool({
  name: "progress",
  description: "Reports progress when asked for it, then answers.",
  inputSchema: none,
  async handler(_args, { mcp }) {
    await mcp.mcpReq.notify({
      method: "notifications/progress",
      params: { progressToken: mcp.mcpReq._meta?.progressToken ?? 0, progress: 1, total: 2 },
    });
    return { content: [{ type: "text", text: "done" }] };
  },
});

const registry: Registry = {
  tools: [quiet, chatty, progress],
  resources: [],
  prompts: [],
  capabilities: { logging: {} },
};

describe("2025 era, through the Worker, a client that takes JSON and an event stream", () => {
  serving(registry);
  const LEGACY = { "MCP-Protocol-Version": "2025-11-25" };
  const send = (name: string, headers: Record<string, string> = {}, meta?: Record<string, unknown>) =>
    post(
      { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name, arguments: {}, ...(meta && { _meta: meta }) } },
      { headers: { ...LEGACY, ...headers } },
    );

  it("a tool that only answers: one JSON body, no stream opened", async () => {
    const opened = vi.spyOn(WebStandardStreamableHTTPServerTransport.prototype, "startKeepAlive");
    const response = await send("quiet");
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ id: 5, result: { content: [{ text: "done" }] } });
    expect(opened).not.toHaveBeenCalled();
    opened.mockRestore();
  });

  it("a tool that logs: its log, then the result, on a stream", async () => {
    const messages = (await sseMessages(await send("chatty"))) as { method?: string; params?: { data?: unknown } }[];
    expect(messages.map((m) => m.method ?? "result")).toEqual(["notifications/message", "result"]);
    expect(messages[0]?.params?.data).toBe("working");
  });

  it("a call that asked for progress gets it on a stream", async () => {
    const messages = (await sseMessages(await send("progress", {}, { progressToken: "p1" }))) as { method?: string }[];
    expect(messages.map((m) => m.method ?? "result")).toEqual(["notifications/progress", "result"]);
  });

  it("a client that takes only an event stream still gets one", async () => {
    const messages = await sseMessages(await send("quiet", { Accept: "text/event-stream" }));
    expect(messages).toEqual([
      expect.objectContaining({ id: 5, result: expect.objectContaining({ content: expect.any(Array) }) }),
    ]);
  });

  it("a client that takes only JSON gets the result, and what came before it is dropped", async () => {
    const response = await send("chatty", { Accept: "application/json" });
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ id: 5, result: { content: [{ text: "done" }] } });
  });
});
