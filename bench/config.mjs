// What the bench measures, declared once: the baseline it compares with, the tool it calls, and
// the peers it builds from npm.

/**
 * The build the bench compares with, side by side in the same run (`--baseline <ref>` overrides
 * it; `--baseline none` skips it): a commit of this repository, checked out and built the same
 * way. A baseline that speaks 2026-07-28 is compared era with era; one that speaks only 2025 (a
 * commit of the 1.x SDK line) is compared with its 2025 path in both eras.
 */
export const BASELINE_REF = "5343a0d";

/**
 * The peers (`--peers`): other ways to serve MCP from a Worker, installed from npm at these
 * versions into a scratch folder (never dependencies of the template), each wired as its own docs
 * show in bench/peers/ to serve the floors' one tool (bench/floors/temperature.js), and built and
 * measured like this build. `packages`: what its Worker imports, `npm install`ed into its own
 * folder with PEER_SHARED_PACKAGES; `build`: a framework's own build step that writes the
 * Worker's entry (worker.js) first.
 */
export const PEERS = {
  agents: {
    label: "agents createMcpHandler",
    packages: { agents: "0.32.0", "@modelcontextprotocol/server": "2.4.0" },
  },
  "mcp-handler": {
    label: "mcp-handler (Vercel)",
    packages: { "mcp-handler": "2.4.0", "@modelcontextprotocol/server": "2.4.0" },
  },
  "hono-mcp": {
    label: "@hono/mcp",
    packages: { "@hono/mcp": "0.3.2", "@modelcontextprotocol/sdk": "1.32.2", hono: "4.13.19" },
  },
  xmcp: {
    label: "xmcp",
    packages: { xmcp: "1.1.3", "@xmcp-dev/compiler": "1.1.3" },
    build: "xmcp",
  },
  sdk: {
    label: "@modelcontextprotocol/server",
    packages: { "@modelcontextprotocol/server": "2.4.0" },
  },
};
/** What every peer's tool file imports (bench/floors/temperature.js). */
export const PEER_SHARED_PACKAGES = { zod: "4.6.7" };

/**
 * The tool the load calls. The first of these that a build lists is used (each build chooses for
 * itself, so a fork that deletes the examples still benches): the example tool, whose call is
 * checked exactly, then any tool that takes no required argument, called with `{}` and checked
 * only for a result that is not an error.
 */
export const BENCH_TOOLS = [
  {
    name: "convert_temperature",
    arguments: { value: 100, from: "celsius", to: "fahrenheit" },
    check: (text) =>
      text.includes('"structuredContent"') && text.includes('"value":212') && !text.includes('"isError":true'),
  },
];

/** The protocol revision the 2025-era requests name (what today's clients send). */
export const LEGACY_VERSION = "2025-11-25";
/** The stateless revision. */
export const MODERN_VERSION = "2026-07-28";
