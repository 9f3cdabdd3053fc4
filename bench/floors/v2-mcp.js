// The 2.x SDK's own recommended serving, nothing else: `createMcpHandler(factory)` with its default
// `legacy: 'stateless'` (one endpoint, both eras), a server per request from the factory, one tool.
// No router, no middleware, no caching: what the mandated engine costs before any project code.
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import * as tool from "./temperature.js";

export const mcp = createMcpHandler(() => {
  const server = new McpServer({ name: "floor-v2", version: "1.0.0" });
  server.registerTool(tool.name, tool.config, tool.handler);
  return server;
});
