// An MCP client's and a person's way from a bare 401 to a token, using only what the server
// advertises: the 401's resource_metadata, protected-resource and authorization-server metadata,
// dynamic client registration, the consent page (with the passphrase), the code exchange with
// PKCE S256. Shared by scripts/oauth-smoke.mjs (which checks a server with it) and the bench
// (which needs a real token). Throws an Error naming the step that did not do what the spec says.
import { createHash, randomBytes } from "node:crypto";

const REDIRECT_URI = "http://127.0.0.1:33418/callback"; // never contacted: the code is read from Location

/**
 * @param {string} origin  e.g. http://localhost:8787
 * @param {string} passphrase  what the consent page asks for ("" in development mode)
 * @param {{ clientName?: string, onStep?: (text: string) => void,
 *   devCode?: () => Promise<string | undefined> }} [options]  devCode: development mode's
 *   one-time code, which the server prints in its log when it shows the consent page
 * @returns {Promise<undefined | { mcpUrl: string, clientId: string, tokenEndpoint: string,
 *   accessToken: string, refreshToken?: string, scope: string, expiresIn: number }>}
 *   undefined when /mcp is not behind OAuth (an unauthenticated call is not refused with 401)
 */
export async function signIn(
  origin,
  passphrase,
  { clientName = "oauth-client", onStep = () => {}, devCode = async () => undefined } = {},
) {
  const mcpUrl = `${origin.replace(/\/+$/, "")}/mcp`;
  const bare = await mcpCall(mcpUrl, undefined, { jsonrpc: "2.0", id: 1, method: "tools/list" });
  await bare.body?.cancel();
  if (bare.status !== 401) return undefined;
  const challenge = bare.headers.get("WWW-Authenticate") ?? "";
  const prmUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
  const scope = /scope="([^"]+)"/.exec(challenge)?.[1];
  if (!prmUrl) throw new Error(`no resource_metadata in WWW-Authenticate: ${challenge}`);
  onStep(`401 from ${mcpUrl}; WWW-Authenticate: ${challenge}`);

  const prm = await json(await fetch(prmUrl), 200, "protected-resource metadata");
  if (prm.resource !== mcpUrl) throw new Error(`resource is ${prm.resource}, expected ${mcpUrl}`);
  const issuer = prm.authorization_servers?.[0];
  onStep(`protected-resource metadata: resource=${prm.resource}, authorization server ${issuer}`);

  const as = await json(await fetch(`${issuer}/.well-known/oauth-authorization-server`), 200, "AS metadata");
  if (!as.code_challenge_methods_supported?.includes("S256")) throw new Error("S256 not advertised");
  onStep(
    `authorization server: authorize ${as.authorization_endpoint}, token ${as.token_endpoint}, register ${as.registration_endpoint}`,
  );

  const client = await json(
    await fetch(as.registration_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        client_name: clientName,
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      }),
    }),
    201,
    "dynamic client registration",
  );
  onStep(`registered public client ${client.client_id}`);

  const verifier = randomBytes(32).toString("base64url");
  const state = randomBytes(12).toString("base64url");
  const authorize = new URL(as.authorization_endpoint);
  for (const [k, v] of Object.entries({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state,
    resource: prm.resource,
    ...(scope ? { scope } : {}),
  }))
    authorize.searchParams.set(k, v);
  const page = await fetch(authorize, { redirect: "manual" });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page: HTTP ${page.status} ${html.slice(0, 200)}`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(";")[0]);
  // Every hidden field of the consent form travels back (the CSRF-bound handle among them).
  const form = new URLSearchParams();
  for (const [tag] of html.matchAll(/<input\b[^>]*>/g)) {
    const attr = (name) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
    if (attr("type") === "hidden" && attr("name")) form.set(attr("name"), decodeEntities(attr("value") ?? ""));
  }
  if (![...form.keys()].length) throw new Error("no consent form on the authorize page");
  onStep(
    `consent page shown (${html.includes('type="password"') ? "asks for the passphrase" : "no passphrase field"})`,
  );

  form.set("decision", "approve");
  form.set("passphrase", passphrase);
  // Development mode asks for the one-time code the server printed in its terminal.
  if (/<input\b[^>]*\bname="code"/.test(html)) form.set("code", (await devCode()) ?? "");
  const approved = await fetch(authorize, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.join("; ") },
    body: form,
  });
  const location = approved.headers.get("Location");
  await approved.body?.cancel();
  if (approved.status !== 302 || !location) {
    throw new Error(`consent POST: HTTP ${approved.status} (is the passphrase right?)`);
  }
  const back = new URL(location);
  const code = back.searchParams.get("code");
  if (back.searchParams.get("state") !== state) throw new Error(`state did not come back: ${location}`);
  if (!code) throw new Error(`no code: ${location}`);
  onStep(
    `approved; redirected to ${back.origin}${back.pathname} with a code, state and iss=${back.searchParams.get("iss")}`,
  );

  const tokens = await json(
    await tokenRequest(as.token_endpoint, {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: client.client_id,
      code_verifier: verifier,
      resource: prm.resource,
    }),
    200,
    "code exchange",
  );
  onStep(
    `tokens: scope "${tokens.scope}", expires in ${tokens.expires_in} s, refresh token ${tokens.refresh_token ? "yes" : "no"}`,
  );
  return {
    mcpUrl,
    clientId: client.client_id,
    tokenEndpoint: as.token_endpoint,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    scope: tokens.scope,
    expiresIn: tokens.expires_in,
  };
}

/** POST one JSON-RPC message to /mcp, with a bearer token when given. */
export function mcpCall(mcpUrl, token, body) {
  return fetch(mcpUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

export function tokenRequest(tokenEndpoint, fields) {
  return fetch(tokenEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

/** The body as JSON when the status is the expected one; otherwise an Error naming the step. */
export async function json(response, status, what) {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

function decodeEntities(s) {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
