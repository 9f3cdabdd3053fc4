// Before any load: the built Worker, as served, answers a real MCP client correctly. This is the
// check that the bundle (minified) behaves like the source the tests run against, in both protocol
// eras: a 2025-era client (initialize) and one pinned to 2026-07-28 (server/discover).
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

export async function smoke(url, headers = {}) {
  const legacy = await smokeEra(url, headers, undefined);
  await smokeEra(url, headers, { mode: { pin: "2026-07-28" } });
  return legacy;
}

async function smokeEra(url, headers, versionNegotiation) {
  const client = new Client({ name: "bench-smoke", version: "1.0.0" }, { versionNegotiation });
  const transport = new StreamableHTTPClientTransport(new URL("/mcp", url), { requestInit: { headers } });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    // bench_add: the bench's own tool (bench/worker.ts), there whatever src/mcp/ holds.
    if (!tools.some((t) => t.name === "bench_add")) {
      throw new Error(`tools/list has no bench_add: ${tools.map((t) => t.name).join(", ")}`);
    }
    const result = await client.callTool({ name: "bench_add", arguments: { a: 1, b: 2 } });
    if (result.isError || result.structuredContent?.sum !== 3) {
      throw new Error(`bench_add answered ${JSON.stringify(result)}`);
    }
    return { tools: tools.length };
  } finally {
    await client.close();
  }
}

/** The pages whose code loads on first use: the landing page and the server card. */
export async function smokePages(url) {
  const landing = await fetch(new URL("/", url));
  const html = await landing.text();
  if (landing.status !== 200 || !html.includes("bench_add")) {
    throw new Error(`GET / answered ${landing.status}: ${html.slice(0, 200)}`);
  }
  const card = await fetch(new URL("/.well-known/mcp/server-card.json", url));
  const json = await card.json().catch(() => undefined);
  if (card.status !== 200 || !json?.tools?.some((t) => t.name === "bench_add")) {
    throw new Error(`GET /.well-known/mcp/server-card.json answered ${card.status}`);
  }
}
