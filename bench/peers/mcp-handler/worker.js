// Peer `mcp-handler`: Vercel's framework-agnostic adapter, as its README's quick start shows:
// `createMcpHandler(server => server.registerTool(...))`, a Web-standard handler over the 2.x SDK
// that serves both eras. It does not look at the path: the Worker mounts it at /mcp, as a
// framework route would. Built from npm by `npm run bench -- --peers` (bench/lib/peers.mjs), which
// copies the floors' tool (bench/floors/temperature.js) next to this file. Never deployed.
import { createMcpHandler } from "mcp-handler";
import * as tool from "./temperature.js";

const handler = createMcpHandler(
  (server) => {
    server.registerTool(tool.name, tool.config, tool.handler);
  },
  { serverInfo: { name: "peer-mcp-handler", version: "1.0.0" } },
);

export default {
  fetch(request) {
    return new URL(request.url).pathname === "/mcp" ? handler(request) : new Response(null, { status: 404 });
  },
};
