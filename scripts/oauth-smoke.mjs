#!/usr/bin/env node
// From a bare 401 to a working token, using only what the server advertises, the way an MCP
// client and a person at the consent page would: discovery, dynamic client registration, PKCE,
// the consent form with the passphrase, the code exchange, MCP calls with the token, a refresh.
//
//   AUTH_PASSPHRASE=... node scripts/oauth-smoke.mjs [http://localhost:8787]
//
// Works against `npm run dev` (with AUTH_PASSPHRASE in .dev.vars) and a deployed server.
// Exits 1 at the first step that does not do what the spec says.
import { createHash, randomBytes } from "node:crypto";

const base = (process.argv[2] ?? "http://localhost:8787").replace(/\/+$/, "");
const passphrase = process.env.AUTH_PASSPHRASE ?? "";
const redirectUri = "http://127.0.0.1:33418/callback"; // never contacted: the code is read from Location

const b64url = (buf) => buf.toString("base64url");
const step = (n, text) => console.log(`${n}. ${text}`);
function fail(message) {
  console.error(`FAILED: ${message}`);
  process.exit(1);
}
async function expectStatus(response, status, what) {
  if (response.status !== status) fail(`${what}: HTTP ${response.status} ${await response.text()}`);
  return response;
}
const rpc = (mcpUrl, token, body) =>
  fetch(mcpUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "oauth-smoke", version: "1" } },
};

const mcpUrl = `${base}/mcp`;
const bare = await expectStatus(await rpc(mcpUrl, undefined, initialize), 401, "unauthenticated POST /mcp");
const challenge = bare.headers.get("WWW-Authenticate") ?? "";
const prmUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
const scope = /scope="([^"]+)"/.exec(challenge)?.[1] ?? "";
if (!prmUrl) fail(`no resource_metadata in WWW-Authenticate: ${challenge}`);
step(1, `401 from ${mcpUrl}; WWW-Authenticate: ${challenge}`);

const prm = await (await expectStatus(await fetch(prmUrl), 200, "protected-resource metadata")).json();
if (prm.resource !== mcpUrl) fail(`resource is ${prm.resource}, expected ${mcpUrl}`);
const issuer = prm.authorization_servers?.[0];
step(2, `protected-resource metadata: resource=${prm.resource}, authorization server ${issuer}`);

const as = await (
  await expectStatus(await fetch(`${issuer}/.well-known/oauth-authorization-server`), 200, "AS metadata")
).json();
if (!as.code_challenge_methods_supported?.includes("S256")) fail("S256 not advertised");
step(
  3,
  `authorization server: authorize ${as.authorization_endpoint}, token ${as.token_endpoint}, register ${as.registration_endpoint}`,
);

const registration = await expectStatus(
  await fetch(as.registration_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_name: "oauth-smoke",
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }),
  }),
  201,
  "dynamic client registration",
);
const { client_id: clientId } = await registration.json();
step(4, `registered public client ${clientId}`);

const verifier = b64url(randomBytes(32));
const codeChallenge = b64url(createHash("sha256").update(verifier).digest());
const state = b64url(randomBytes(12));
const authorize = new URL(as.authorization_endpoint);
for (const [k, v] of Object.entries({
  response_type: "code",
  client_id: clientId,
  redirect_uri: redirectUri,
  code_challenge: codeChallenge,
  code_challenge_method: "S256",
  state,
  scope,
  resource: prm.resource,
}))
  authorize.searchParams.set(k, v);
const page = await expectStatus(await fetch(authorize, { redirect: "manual" }), 200, "consent page");
const cookies = page.headers.getSetCookie().map((c) => c.split(";")[0]);
const html = await page.text();
const handle = /name="handle" value="([^"]+)"/.exec(html)?.[1];
if (!handle) fail("no consent form on the page");
step(5, `consent page shown (${html.includes('type="password"') ? "asks for the passphrase" : "no passphrase field"})`);

const form = new URLSearchParams({ handle, decision: "approve", passphrase });
const approved = await fetch(authorize, {
  method: "POST",
  redirect: "manual",
  headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.join("; ") },
  body: form,
});
if (approved.status !== 302) fail(`consent POST: HTTP ${approved.status} (is AUTH_PASSPHRASE right?)`);
const back = new URL(approved.headers.get("Location"));
if (back.searchParams.get("state") !== state) fail("state did not come back");
const code = back.searchParams.get("code");
if (!code) fail(`no code: ${back}`);
step(
  6,
  `approved; redirected to ${back.origin}${back.pathname} with a code, state and iss=${back.searchParams.get("iss")}`,
);

const token = async (fields) =>
  fetch(as.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
const tokens = await (
  await expectStatus(
    await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
      resource: prm.resource,
    }),
    200,
    "code exchange",
  )
).json();
step(
  7,
  `tokens: scope "${tokens.scope}", expires in ${tokens.expires_in} s, refresh token ${tokens.refresh_token ? "yes" : "no"}`,
);

await expectStatus(await rpc(mcpUrl, tokens.access_token, initialize), 200, "initialize with the token");
const list = await (
  await expectStatus(
    await rpc(mcpUrl, tokens.access_token, { jsonrpc: "2.0", id: 2, method: "tools/list" }),
    200,
    "tools/list",
  )
).json();
const me = await (
  await rpc(mcpUrl, tokens.access_token, {
    jsonrpc: "2.0",
    id: 3,
    method: "tools/call",
    params: { name: "whoami", arguments: {} },
  })
).json();
step(
  8,
  `tools/list: ${list.result.tools.map((t) => t.name).join(", ")}; whoami: ${me.result?.content?.[0]?.text ?? JSON.stringify(me)}`,
);

const refreshed = await (
  await expectStatus(
    await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: clientId }),
    200,
    "refresh",
  )
).json();
await expectStatus(
  await rpc(mcpUrl, refreshed.access_token, { jsonrpc: "2.0", id: 4, method: "tools/list" }),
  200,
  "tools/list after refresh",
);
step(9, "refreshed: the new access token works");
console.log("OK");
