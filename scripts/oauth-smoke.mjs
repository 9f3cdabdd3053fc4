#!/usr/bin/env node
// From a bare 401 to a working token, using only what the server advertises, the way an MCP
// client and a person at the consent page would: discovery, dynamic client registration, PKCE,
// the consent form with the passphrase, the code exchange, MCP calls with the token in both protocol
// eras (a 2025 initialize, tools/list and ping, then the SDK client pinned to 2026-07-28), a
// refresh. It calls no tool: it checks the server, whatever tools a fork gave it.
//
//   AUTH_PASSPHRASE=... node scripts/oauth-smoke.mjs [http://localhost:8787]
//
// Works against `npm run dev` (with AUTH_PASSPHRASE in .dev.vars) and a deployed server.
// Exits 1 at the first step that does not do what the spec says.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { json, mcpCall, signIn, tokenRequest } from "./lib/oauth-client.mjs";

const base = (process.argv[2] ?? "http://localhost:8787").replace(/\/+$/, "");
const passphrase = process.env.AUTH_PASSPHRASE ?? "";
let n = 0;
const step = (text) => console.log(`${++n}. ${text}`);

try {
  const session = await signIn(base, passphrase, { clientName: "oauth-smoke", onStep: step });
  if (!session) throw new Error(`unauthenticated POST ${base}/mcp was not refused with 401`);
  const { mcpUrl, accessToken } = session;

  const init = await json(
    await mcpCall(mcpUrl, accessToken, {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "oauth-smoke", version: "1" } },
    }),
    200,
    "initialize with the token",
  );
  // Whatever the server offers (none of it is this script's business: the tests check the tools):
  // tools/list when it has tools, and ping, which every server answers.
  let tools = "no tools capability";
  if (init.result?.capabilities?.tools) {
    const list = await json(
      await mcpCall(mcpUrl, accessToken, { jsonrpc: "2.0", id: 2, method: "tools/list" }),
      200,
      "tools/list",
    );
    tools = `tools/list: ${list.result.tools.map((t) => t.name).join(", ") || "(none)"}`;
  }
  const ping = await json(
    await mcpCall(mcpUrl, accessToken, { jsonrpc: "2.0", id: 3, method: "ping" }),
    200,
    "ping with the token",
  );
  if (!ping.result) throw new Error(`ping answered ${JSON.stringify(ping).slice(0, 200)}`);
  step(`2025-06-18 (initialize): ${init.result.serverInfo?.name}; ${tools}; ping answered`);

  const modern = new Client(
    { name: "oauth-smoke", version: "1" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await modern.connect(
    new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
    }),
  );
  try {
    const offered = modern.getServerCapabilities()?.tools ? (await modern.listTools()).tools.length : 0;
    step(`2026-07-28 (server/discover) with the token: ${offered} tools`);
  } finally {
    await modern.close();
  }

  if (!session.refreshToken) throw new Error("no refresh token was issued");
  const refreshed = await json(
    await tokenRequest(session.tokenEndpoint, {
      grant_type: "refresh_token",
      refresh_token: session.refreshToken,
      client_id: session.clientId,
    }),
    200,
    "refresh",
  );
  await json(
    await mcpCall(mcpUrl, refreshed.access_token, { jsonrpc: "2.0", id: 4, method: "tools/list" }),
    200,
    "tools/list after refresh",
  );
  step("refreshed: the new access token works");
  console.log("OK");
} catch (error) {
  console.error(`FAILED: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
