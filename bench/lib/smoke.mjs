// Before any load: the built Worker, as served, answers a real MCP client correctly. This is the
// check that the bundle (minified) behaves like the source the tests run against, in both protocol
// eras: a 2025-era client (initialize) and one pinned to 2026-07-28 (server/discover).
//
// It also records what the SDK's client sends for tools/list and tools/call in each era (headers
// and body, byte for byte): the load replays exactly those requests, so the bench measures what
// clients really send (the 2026-07-28 `_meta` envelope, `Mcp-Method`/`Mcp-Name`), not a guess.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { BENCH_TOOLS, MODERN_VERSION } from "../config.mjs";

/**
 * @param eras which eras to check: "legacy" (2025, initialize) and/or "modern" (2026-07-28)
 * @returns per era: { tools, tool, list, call, first } with each request's { headers, body }:
 *   tools/list (none when the server has no tools), tools/call (none when it has no tool the
 *   bench can call), and the era's first request (initialize, server/discover)
 */
export async function smoke(url, headers = {}, eras = ["legacy", "modern"]) {
  const result = {};
  for (const era of eras) {
    result[era] = await smokeEra(url, headers, era === "modern" ? { mode: { pin: MODERN_VERSION } } : undefined);
  }
  return result;
}

async function smokeEra(url, headers, versionNegotiation) {
  const sent = [];
  const recordingFetch = async (input, init = {}) => {
    if (init.method === "POST" && typeof init.body === "string") {
      const message = JSON.parse(init.body);
      if (["tools/list", "tools/call", "initialize", "server/discover"].includes(message.method)) {
        const recorded = new Headers(init.headers);
        recorded.delete("authorization");
        recorded.delete("content-length");
        sent.push({ rpc: message.method, headers: Object.fromEntries(recorded), body: init.body });
      }
    }
    return fetch(input, init);
  };
  const client = new Client({ name: "bench-smoke", version: "1.0.0" }, { versionNegotiation });
  const transport = new StreamableHTTPClientTransport(new URL("/mcp", url), {
    requestInit: { headers },
    fetch: recordingFetch,
  });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    const tool = chooseTool(tools);
    // A fork without any tool the bench can call (the examples deleted): tools/list only.
    if (tool) {
      const result = await client.callTool({ name: tool.name, arguments: tool.arguments });
      if (!tool.check(JSON.stringify(result))) {
        throw new Error(`${tool.name} answered ${JSON.stringify(result).slice(0, 300)}`);
      }
    }
    // A server without tools does not advertise them, and the client then sends no tools/list.
    const list = sent.find((s) => s.rpc === "tools/list");
    const call = sent.find((s) => s.rpc === "tools/call");
    const first = sent.find((s) => s.rpc === "initialize" || s.rpc === "server/discover");
    if ((tools.length && !list) || (tool && !call) || !first) {
      throw new Error("the client's requests (initialize or server/discover, tools/list, tools/call) were not seen");
    }
    return { tools: tools.length, tool, list, call, first };
  } finally {
    await client.close();
  }
}

/**
 * The tool a build's load calls (bench/config.mjs): the first configured one it lists, else any
 * tool without required arguments, called with `{}`; undefined when there is none (tools/call is
 * then not measured for that build).
 */
export function chooseTool(tools) {
  for (const candidate of BENCH_TOOLS) if (tools.some((t) => t.name === candidate.name)) return candidate;
  const plain = tools.find((t) => !(t.inputSchema?.required?.length > 0));
  if (!plain) return undefined;
  return {
    name: plain.name,
    arguments: {},
    check: (text) => !text.includes('"isError":true') && !text.includes('"error"'),
  };
}

/** The pages whose code loads on first use: the landing page and the server card. */
export async function smokePages(url, toolName) {
  const landing = await fetch(new URL("/", url));
  const html = await landing.text();
  if (landing.status !== 200 || (toolName && !html.includes(toolName))) {
    throw new Error(`GET / answered ${landing.status}: ${html.slice(0, 200)}`);
  }
  const card = await fetch(new URL("/.well-known/mcp/server-card.json", url));
  const json = await card.json().catch(() => undefined);
  if (
    card.status !== 200 ||
    !Array.isArray(json?.tools) ||
    (toolName && !json.tools.some((t) => t.name === toolName))
  ) {
    throw new Error(`GET /.well-known/mcp/server-card.json answered ${card.status}`);
  }
}
