import { McpServer, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { firstSent, jsonUnlessStreamed } from "../src/template/mcp/legacy-response.js";

// The 2025-era answer shape (src/template/mcp/legacy-response.ts), on the SDK's own transport streaming
// (as the 2025 leg runs it for a call): what the server sends first decides.

const ACCEPT = "application/json, text/event-stream";

function call(name: string, id = 3): Request {
  return new Request("http://localhost/mcp", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: ACCEPT, "MCP-Protocol-Version": "2025-11-25" },
    body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: {} } }),
  });
}

async function serve(request: Request): Promise<Response> {
  const server = new McpServer({ name: "t", version: "1" }, { capabilities: { logging: {} } });
  server.registerTool("quiet", { inputSchema: z.object({}) }, async () => ({
    content: [{ type: "text", text: 'line\nwith "quotes" and data: inside' }],
  }));
  server.registerTool("chatty", { inputSchema: z.object({}) }, async (_args, ctx) => {
    await ctx.mcpReq.log("info", "working");
    return { content: [{ type: "text", text: "done" }] };
  });
  server.registerTool("broken", { inputSchema: z.object({}) }, async () => {
    throw new Error("boom");
  });
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: false });
  await server.connect(transport);
  const first = firstSent(transport);
  const parsedBody = await request.clone().json();
  return jsonUnlessStreamed(await transport.handleRequest(request, { parsedBody }), first);
}

describe("jsonUnlessStreamed", () => {
  it("answers one JSON body when the first message the server sends is the response", async () => {
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

  it("passes a stream that starts with a log message on: the log, then the result, in order", async () => {
    const response = await serve(call("chatty"));
    expect(response.headers.get("Content-Type")).toBe("text/event-stream");
    const messages = (await response.text())
      .split("\n")
      .filter((line) => line.startsWith("data: ") && line.length > 6)
      .map((line) => JSON.parse(line.slice(6)));
    expect(messages.map((m) => m.method ?? (m.result ? "result" : "?"))).toEqual(["notifications/message", "result"]);
    expect(messages[0].params.data).toBe("working");
  });

  it("leaves a JSON answer and a 202 as they are, and a stream closed before any message", async () => {
    const never = new Promise<undefined>(() => {});
    const json = new Response("{}", { headers: { "Content-Type": "application/json" } });
    expect(await jsonUnlessStreamed(json, never)).toBe(json);
    const accepted = new Response(null, { status: 202 });
    expect(await jsonUnlessStreamed(accepted, never)).toBe(accepted);
    const transport = new WebStandardStreamableHTTPServerTransport();
    const first = firstSent(transport);
    await transport.close();
    const empty = new Response("", { headers: { "Content-Type": "text/event-stream" } });
    expect(await jsonUnlessStreamed(empty, first)).toBe(empty);
  });
});
