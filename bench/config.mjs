// What the bench measures, declared once: the baseline it compares with, the budgets and the
// reference each is judged against, the tool it calls, and the peers it builds from npm.

/**
 * The build the bench compares with, side by side in the same run (`--baseline <ref>` overrides
 * it; `--baseline none` skips it): a commit of this repository, checked out and built the same
 * way. A baseline that speaks 2026-07-28 is compared era with era; one that speaks only 2025 (a
 * commit of the 1.x SDK line) is compared with its 2025 path in both eras.
 */
export const BASELINE_REF = "5343a0d";

/**
 * The budgets, each with the reference it is judged against in the same run:
 * - `absolute`: a fixed figure;
 * - `floor`: a reference floor (bench/floors/, `--floors`): the mandated engine alone, bare or
 *   behind the OAuth provider, serving the same one tool;
 * - `synthetic`: this build again with extra generated tools (`--tools N`), per tool;
 * - `peers`: the cheapest of the peer Workers (`--peers`) that speaks the era;
 * - `baseline`: the baseline build (BASELINE_REF).
 * A row whose reference is not in the run (no `--floors`, no `--peers`, `--tools 0`) is judged
 * against the baseline instead, at `max: 1`, and says so. Every other row is judged against the
 * baseline (`otherwise`).
 */
export const BUDGETS = {
  /** The upload, gzip, OAuth included. */
  size: { reference: "absolute", maxKiB: 135 },
  /** A new isolate's CPU from start to its first /mcp answer, per era: bare floor / OAuth floor. */
  cold: { reference: "floor", max: 1, floors: { open: "v2-bare", oauth: "v2-oauth" } },
  /** What each extra tool adds to that cold start. */
  coldPerTool: { reference: "synthetic", maxMs: 0.1 },
  /** tools/call CPU per request without auth, per era. */
  call: { reference: "peers", max: 0.8 },
  /** Everything else: startup, tools/list, tools/call with OAuth. */
  otherwise: { reference: "baseline", max: 1 },
};

/** Extra generated tools in the synthetic build (`--tools N` overrides it; 0 skips the build). */
export const SYNTHETIC_TOOL_COUNT = 100;

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
