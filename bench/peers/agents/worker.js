// Peer `agents`: Cloudflare's Agents SDK serving MCP from a Worker, as its docs show
// (agents/docs/mcp-servers.md, "Create a server"): `createMcpHandler` from `agents/mcp/server` with
// a factory of `@modelcontextprotocol/server` McpServers, one per request, stateless, both eras,
// served at /mcp. Built from npm by `npm run bench -- --peers` (bench/lib/peers.mjs), which copies
// the floors' tool (bench/floors/temperature.js) next to this file. Never deployed.
import { McpServer } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
import * as tool from "./temperature.js";

function createServer() {
  const server = new McpServer({ name: "peer-agents", version: "1.0.0" });
  server.registerTool(tool.name, tool.config, tool.handler);
  return server;
}

const handler = createMcpHandler(createServer);

export default {
  fetch(request, env, ctx) {
    return handler(request, env, ctx);
  },
};
