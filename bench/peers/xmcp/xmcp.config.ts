// Peer `xmcp`: the xmcp framework's Cloudflare Workers build (`xmcp build --cf`, which writes
// worker.js; then wrangler bundles it), HTTP transport at /mcp, the tools in src/tools/. Built
// from npm by `npm run bench -- --peers` (bench/lib/peers.mjs). Never deployed.
import type { XmcpConfig } from "xmcp";

const config: XmcpConfig = {
  http: true,
  paths: { prompts: false, resources: false },
};

export default config;
