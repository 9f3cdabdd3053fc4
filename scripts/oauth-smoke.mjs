#!/usr/bin/env node
// From a bare 401 to a working token, using only what the server advertises, the way an MCP
// client and a person at the consent page would: discovery, dynamic client registration, PKCE,
// the consent form with the passphrase, the code exchange, MCP calls with the token in both protocol
// eras (a 2025 initialize, then the SDK client pinned to 2026-07-28), a refresh.
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

  await json(
    await mcpCall(mcpUrl, accessToken, {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "oauth-smoke", version: "1" } },
    }),
    200,
    "initialize with the token",
  );
  const list = await json(
    await mcpCall(mcpUrl, accessToken, { jsonrpc: "2.0", id: 2, method: "tools/list" }),
    200,
    "tools/list",
  );
  const me = await json(
    await mcpCall(mcpUrl, accessToken, {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "whoami", arguments: {} },
    }),
    200,
    "tools/call whoami",
  );
  step(
    `tools/list: ${list.result.tools.map((t) => t.name).join(", ")}; whoami: ${me.result?.content?.[0]?.text ?? JSON.stringify(me)}`,
  );

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
    const modernTools = await modern.listTools();
    const modernMe = await modern.callTool({ name: "whoami", arguments: {} });
    if (modernMe.isError) throw new Error(`2026-07-28 whoami failed: ${JSON.stringify(modernMe.content)}`);
    step(`2026-07-28 (server/discover): ${modernTools.tools.length} tools, whoami answered`);
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
