import { afterEach, describe, expect, it, vi } from "vitest";
import { serving } from "./fixtures/harness.js";
import {
  authorizeUrl,
  Browser,
  codeFrom,
  consent,
  initialize,
  LOOPBACK_REDIRECT,
  MCP_URL,
  ORIGIN,
  PASSPHRASE,
  pkce,
  register,
  rpc,
  server,
  signIn,
  tokenDeployment,
  tokenRequest,
} from "./helpers/oauth.js";

// The harness fixtures (test/fixtures/harness.ts), not the examples: a fork deletes those.
serving();

const listTools = { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} };
const caller = { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "caller", arguments: {} } };

afterEach(() => {
  vi.useRealTimers();
});

describe("the whole dance, step by step, with only what the server advertises", () => {
  it("401 → PRM → AS metadata → DCR → authorize → consent → code → token (PKCE) → tools/list → refresh", async () => {
    // 1. A bare request: 401 and where to look.
    const challenge = (await rpc(initialize)).headers.get("WWW-Authenticate")!;
    const prmUrl = /resource_metadata="([^"]+)"/.exec(challenge)![1]!;
    const scope = /scope="([^"]+)"/.exec(challenge)![1]!;

    // 2. Protected-resource metadata names the resource and its authorization server.
    const prm = await server()(prmUrl).then((r) => r.json<{ resource: string; authorization_servers: string[] }>());
    expect(prm.resource).toBe(MCP_URL);

    // 3. Authorization-server metadata (RFC 8414 at the issuer).
    const as = await server()(`${prm.authorization_servers[0]}/.well-known/oauth-authorization-server`).then((r) =>
      r.json<{
        registration_endpoint: string;
        authorization_endpoint: string;
        token_endpoint: string;
        issuer: string;
      }>(),
    );

    // 4. Dynamic client registration, a public client.
    const registration = await server()(as.registration_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        client_name: "Step by step",
        redirect_uris: [LOOPBACK_REDIRECT],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
      }),
    });
    expect(registration.status).toBe(201);
    const { client_id: clientId } = await registration.json<{ client_id: string }>();

    // 5. Authorize: the consent page.
    const { verifier, challenge: codeChallenge } = await pkce();
    const url = new URL(as.authorization_endpoint);
    for (const [k, v] of Object.entries({
      response_type: "code",
      client_id: clientId,
      redirect_uri: LOOPBACK_REDIRECT,
      code_challenge: codeChallenge,
      code_challenge_method: "S256",
      state: "xyz",
      scope,
      resource: prm.resource,
    }))
      url.searchParams.set(k, v);
    const browser = new Browser();
    const redirect = await consent(browser, url.href);

    // 6. Back to the client with the code, its state and the issuer (RFC 9207).
    const back = new URL(redirect.headers.get("Location")!);
    expect(`${back.origin}${back.pathname}`).toBe(LOOPBACK_REDIRECT);
    expect(back.searchParams.get("state")).toBe("xyz");
    expect(back.searchParams.get("iss")).toBe(as.issuer);

    // 7. Code + verifier → tokens for this resource.
    const tokenResponse = await server()(as.token_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: back.searchParams.get("code")!,
        redirect_uri: LOOPBACK_REDIRECT,
        client_id: clientId,
        code_verifier: verifier,
        resource: prm.resource,
      }),
    });
    expect(tokenResponse.status).toBe(200);
    const tokens = await tokenResponse.json<{
      access_token: string;
      refresh_token: string;
      scope: string;
      expires_in: number;
    }>();
    expect(tokens.scope).toBe("mcp profile");
    expect(tokens.expires_in).toBe(3600);

    // 8. The token opens /mcp; the tools are listed; caller knows the passphrase holder.
    expect((await rpc(initialize, tokens.access_token)).status).toBe(200);
    const list = await rpc(listTools, tokens.access_token).then((r) =>
      r.json<{ result: { tools: { name: string }[] } }>(),
    );
    expect(list.result.tools.map((t) => t.name)).toContain("caller");
    const me = await rpc(caller, tokens.access_token).then((r) => r.json<{ result: { structuredContent: unknown } }>());
    expect(me.result.structuredContent).toEqual({
      authenticated: true,
      id: "owner",
      provider: "passphrase",
      name: "Server owner",
      scopes: ["mcp", "profile"],
    });

    // 9. Refresh: a new pair; the new access token works.
    const refreshed = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: clientId,
    });
    expect(refreshed.status).toBe(200);
    const next = await refreshed.json<{ access_token: string; refresh_token: string }>();
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect((await rpc(listTools, next.access_token)).status).toBe(200);
  });

  it("rotates refresh tokens: once the new one is used, the old one is refused", async () => {
    const { tokens, clientId } = await signIn();
    const first = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: clientId,
    }).then((r) => r.json<{ refresh_token: string }>());
    const second = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
      client_id: clientId,
    });
    expect(second.status).toBe(200);
    const replay = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: clientId,
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("takes the access-token lifetime from ACCESS_TOKEN_TTL, for a code and a refresh alike", async () => {
    const vars = tokenDeployment("SHORT_ACCESS_TOKENS");
    const { tokens, clientId } = await signIn({ vars });
    expect(tokens.expires_in).toBe(120);
    const refreshed = await tokenRequest(
      { grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: clientId },
      vars,
    );
    expect(await refreshed.json()).toMatchObject({ expires_in: 120, refresh_token: expect.any(String) });
  });
});

describe("tokens: what /mcp refuses", () => {
  it.each([
    ["missing", undefined, undefined],
    ["garbage", "not-a-token", 'error="invalid_token"'],
    ["well-formed but unknown", "user:grant:secret", 'error="invalid_token"'],
  ])("%s token: 401 with the challenge", async (_, token, error) => {
    const response = await rpc(listTools, token);
    expect(response.status).toBe(401);
    const challenge = response.headers.get("WWW-Authenticate")!;
    expect(challenge).toContain("resource_metadata=");
    if (error) expect(challenge).toContain(error);
  });

  it("expired token: 401 invalid_token", async () => {
    const { tokens } = await signIn();
    expect((await rpc(listTools, tokens.access_token)).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3601 * 1000);
    const response = await rpc(listTools, tokens.access_token);
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });

  it("a token is bound to its origin's resource: another origin's /mcp refuses it", async () => {
    const { tokens } = await signIn();
    const elsewhere = await server()("https://other.example.com/mcp", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${tokens.access_token}` },
      body: JSON.stringify(listTools),
    });
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });
});

describe("the token endpoint: what it refuses", () => {
  async function codeFor(options: { resource?: string | null } = {}) {
    const { client_id: clientId } = await register();
    const { verifier, challenge } = await pkce();
    const redirect = await consent(new Browser(), authorizeUrl({ clientId, challenge, resource: options.resource }));
    return { clientId, verifier, code: codeFrom(redirect) };
  }
  const exchange = (p: { clientId: string; code: string; verifier: string }, extra: Record<string, string> = {}) =>
    tokenRequest({
      grant_type: "authorization_code",
      code: p.code,
      redirect_uri: LOOPBACK_REDIRECT,
      client_id: p.clientId,
      code_verifier: p.verifier,
      ...extra,
    });

  it("a wrong PKCE verifier", async () => {
    const flow = await codeFor();
    const response = await exchange({ ...flow, verifier: (await pkce()).verifier });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("a code exchange without redirect_uri (RFC 6749 §4.1.3): refused, and the code still works with it", async () => {
    const flow = await codeFor();
    const without = await tokenRequest({
      grant_type: "authorization_code",
      code: flow.code,
      client_id: flow.clientId,
      code_verifier: flow.verifier,
    });
    expect(without.status).toBe(400);
    expect(await without.json()).toEqual({
      error: "invalid_request",
      error_description: "redirect_uri is required: the authorization request named one",
    });
    // Refused before the grant's guard saw it: the code is not spent.
    expect((await exchange(flow)).status).toBe(200);
  });

  it("a code exchange naming another of the client's redirect URIs", async () => {
    const other = "http://127.0.0.1:33418/elsewhere";
    const { client_id: clientId } = await register({ redirect_uris: [LOOPBACK_REDIRECT, other] });
    const { verifier, challenge } = await pkce();
    const code = codeFrom(await consent(new Browser(), authorizeUrl({ clientId, challenge })));
    const response = await exchange({ clientId, code, verifier }, { redirect_uri: other });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("a code used twice", async () => {
    const flow = await codeFor();
    expect((await exchange(flow)).status).toBe(200);
    const again = await exchange(flow);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("a redirect_uri that differs from the authorization request's", async () => {
    const flow = await codeFor();
    const response = await exchange(flow, { redirect_uri: "http://127.0.0.1:9999/other" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("a token for another resource: invalid_target, for the code and for a refresh", async () => {
    const flow = await codeFor();
    const foreign = await exchange(flow, { resource: "https://evil.example/mcp" });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ error: "invalid_target" });

    const { tokens, clientId } = await signIn();
    const refresh = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: clientId,
      resource: "https://evil.example/mcp",
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: "invalid_target" });
  });

  it("an authorization request for another resource is refused before any consent", async () => {
    const { client_id: clientId } = await register();
    const { challenge } = await pkce();
    const response = await new Browser().fetch(
      authorizeUrl({ clientId, challenge, resource: "https://evil.example/mcp" }),
    );
    // The client and redirect URI are valid, so the library lets us send the error back to it.
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get("Location")!);
    expect(back.searchParams.get("error")).toBe("invalid_target");
    expect(back.searchParams.get("iss")).toBe(ORIGIN);
  });
});

describe("scopes: a tool can require one", () => {
  const baselineOnly = { AUTH_PASSPHRASE: PASSPHRASE, OAUTH_SCOPES: "mcp" };

  it("caller without the profile scope: 403 insufficient_scope naming every scope needed", async () => {
    const { tokens } = await signIn({ vars: baselineOnly, scope: "mcp" });
    expect(tokens.scope).toBe("mcp");
    const response = await rpc(caller, tokens.access_token, baselineOnly);
    expect(response.status).toBe(403);
    const challenge = response.headers.get("WWW-Authenticate")!;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="mcp profile"');
    expect(challenge).toContain("resource_metadata=");
    // Tools that need nothing more still work with the same token.
    const convert = await rpc(
      {
        jsonrpc: "2.0",
        id: 4,
        method: "tools/call",
        params: { name: "echo", arguments: { text: "hi" } },
      },
      tokens.access_token,
      baselineOnly,
    );
    expect(convert.status).toBe(200);
  });

  it("checks every call in a batch", async () => {
    const { tokens } = await signIn({ vars: baselineOnly, scope: "mcp" });
    const response = await rpc([listTools, caller], tokens.access_token, baselineOnly);
    expect(response.status).toBe(403);
  });

  it("step-up: asking for profile gets it, and caller answers", async () => {
    const { tokens } = await signIn({ vars: baselineOnly, scope: "mcp profile" });
    expect(tokens.scope).toBe("mcp profile");
    const response = await rpc(caller, tokens.access_token, baselineOnly);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      result: { structuredContent: { authenticated: true, scopes: ["mcp", "profile"] } },
    });
  });

  it("grants the baseline even when the client asks for nothing, and drops scopes it does not know", async () => {
    const { tokens } = await signIn({ vars: baselineOnly, scope: "offline_access admin" });
    expect(tokens.scope).toBe("mcp");
  });
});
