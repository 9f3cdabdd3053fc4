// Peer `@hono/mcp`: Hono's MCP middleware, as its README shows: a Hono app, one 1.x SDK
// (`@modelcontextprotocol/sdk`) McpServer and one `StreamableHTTPTransport` (no session id:
// stateless), connected on the first request, at /mcp. 2025 era only (the 1.x SDK). Built from
// npm by `npm run bench -- --peers` (bench/lib/peers.mjs), which copies the floors' tool
// (bench/floors/temperature.js) next to this file. Never deployed.
import { StreamableHTTPTransport } from "@hono/mcp";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Hono } from "hono";
import * as tool from "./temperature.js";

const app = new Hono();
const mcpServer = new McpServer({ name: "peer-hono-mcp", version: "1.0.0" });
mcpServer.registerTool(tool.name, tool.config, tool.handler);
const transport = new StreamableHTTPTransport();

app.all("/mcp", async (c) => {
  if (!mcpServer.isConnected()) await mcpServer.connect(transport);
  return transport.handleRequest(c);
});

export default app;
