// A bearer token for the bench, obtained the way an MCP client and a person at the consent page
// get one, from only what the server advertises: the 401's resource_metadata, protected-resource
// metadata, authorization-server metadata, dynamic client registration, the consent page (with
// the passphrase), and the code exchange with PKCE. (scripts/oauth-smoke.mjs walks the same steps
// against a running server and checks more on the way.)
import { createHash, randomBytes } from "node:crypto";

const REDIRECT_URI = "http://127.0.0.1:9/callback"; // never contacted: the code is read from Location

/**
 * Returns { accessToken, steps }, or undefined when the Worker has no OAuth in front of /mcp
 * (an unauthenticated request is not refused with a 401).
 */
export async function getOAuthToken(origin, passphrase) {
  const steps = [];
  const mcpUrl = new URL("/mcp", origin).href;
  const bare = await fetch(mcpUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  await bare.body?.cancel();
  if (bare.status !== 401) return undefined;
  const challenge = bare.headers.get("WWW-Authenticate") ?? "";
  const prmUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
  const scope = /scope="([^"]+)"/.exec(challenge)?.[1];
  if (!prmUrl) throw new Error(`401 without resource_metadata: ${challenge}`);
  steps.push("401 with resource_metadata");

  const prm = await json(await fetch(prmUrl), 200, "protected-resource metadata");
  const issuer = prm.authorization_servers?.[0];
  const as = await json(await fetch(new URL("/.well-known/oauth-authorization-server", issuer)), 200, "AS metadata");
  steps.push("discovery");

  const client = await json(
    await fetch(as.registration_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        client_name: "mcp-worker-bench",
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        response_types: ["code"],
      }),
    }),
    201,
    "dynamic client registration",
  );
  steps.push("DCR");

  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL(as.authorization_endpoint);
  const state = randomBytes(12).toString("base64url");
  const params = {
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state,
    resource: prm.resource,
    ...(scope ? { scope } : {}),
  };
  for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
  const page = await fetch(authorize, { redirect: "manual" });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page: HTTP ${page.status} ${html.slice(0, 200)}`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(";")[0]);
  // Every hidden field of the consent form travels back (the CSRF binding among them).
  const form = new URLSearchParams();
  for (const [tag] of html.matchAll(/<input\b[^>]*>/g)) {
    const attr = (name) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
    if (attr("type") === "hidden" && attr("name")) form.set(attr("name"), decodeEntities(attr("value") ?? ""));
  }
  if (![...form.keys()].length) throw new Error("no consent form on the authorize page");
  form.set("decision", "approve");
  form.set("passphrase", passphrase);
  steps.push("consent page");

  const approved = await fetch(authorize, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.join("; ") },
    body: form,
  });
  const location = approved.headers.get("Location");
  await approved.body?.cancel();
  if (approved.status !== 302 || !location) throw new Error(`consent POST: HTTP ${approved.status}`);
  const back = new URL(location);
  const code = back.searchParams.get("code");
  if (!code || back.searchParams.get("state") !== state) throw new Error(`consent redirected to ${location}`);
  steps.push("approve");

  const tokens = await json(
    await fetch(as.token_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        client_id: client.client_id,
        code_verifier: verifier,
        resource: prm.resource,
      }),
    }),
    200,
    "code exchange",
  );
  steps.push("token (PKCE S256)");
  return { accessToken: tokens.access_token, steps };
}

async function json(response, status, what) {
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
