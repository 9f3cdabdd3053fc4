// Peer `sdk`: a bare `@modelcontextprotocol/server` Worker, the SDK's own recommended serving:
// `createMcpHandler(factory)` (one endpoint, both eras, a server per request), one tool, at /mcp.
// The same code as the floor bench/floors/v2-mcp.js, but installed from npm at the peers' pinned
// version (bench/config.mjs) rather than the template's. Built by `npm run bench -- --peers`
// (bench/lib/peers.mjs), which copies the floors' tool (bench/floors/temperature.js) next to this
// file. Never deployed.
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import * as tool from "./temperature.js";

const mcp = createMcpHandler(() => {
  const server = new McpServer({ name: "peer-sdk", version: "1.0.0" });
  server.registerTool(tool.name, tool.config, tool.handler);
  return server;
});

export default {
  fetch(request) {
    return new URL(request.url).pathname === "/mcp" ? mcp.fetch(request) : new Response(null, { status: 404 });
  },
};
