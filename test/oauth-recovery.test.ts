import { env } from "cloudflare:test";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { describe, expect, it } from "vitest";
import mcpRemote from "./fixtures/clients/mcp-remote.json";
import {
  authorizeUrl,
  Browser,
  consent,
  LOOPBACK_REDIRECT,
  MCP_URL,
  pkce,
  register,
  signIn,
  tokenDeployment,
  tokenRequest,
  withPassphrase,
} from "./helpers/oauth.js";
import { MemoryOAuthClient } from "./helpers/oauth-provider.js";
import { workerFetch } from "./helpers/worker.js";

// When the server has forgotten a client's registration, or its refresh token no longer works,
// the client gets the answer the specs name (invalid_client, invalid_grant) and a browser a page
// saying how to start again, so that clients which re-register on it do.

/** The server forgets a registration, as when it expired unused or an operator removed it. */
async function forget(clientId: string): Promise<void> {
  await env.OAUTH_KV.delete(`client:${clientId}`);
}

describe("a forgotten registration", () => {
  it("in the browser: a page that says the app has to connect again, and how, with no form and no redirect", async () => {
    const { client_id: clientId } = await register();
    await forget(clientId);
    const { challenge } = await pkce();
    const page = await new Browser().fetch(authorizeUrl({ clientId, challenge }));
    expect(page.status).toBe(400);
    expect(page.headers.get("Location")).toBeNull();
    const html = await page.text();
    expect(html).toContain("This app has to connect again");
    expect(html).toContain(`client_id ${clientId}`);
    expect(html).toContain("rm -rf ~/.mcp-auth");
    expect(html).toContain("--relogin");
    expect(html).not.toContain('name="handle"');
  });

  it("a client the server still knows, with a wrong redirect URI, gets the ordinary refusal, not the reconnect page", async () => {
    const { client_id: clientId } = await register();
    const { challenge } = await pkce();
    const page = await new Browser().fetch(
      authorizeUrl({ clientId, challenge, redirectUri: "https://elsewhere.example/callback" }),
    );
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain("Invalid redirect URI");
    expect(html).not.toContain("has to connect again");
  });

  it("at the token endpoint: 401 invalid_client for the code exchange and for a refresh", async () => {
    const { tokens, clientId } = await signIn();
    await forget(clientId);
    const refreshed = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: clientId,
    });
    expect(refreshed.status).toBe(401);
    expect((await refreshed.json<{ error: string }>()).error).toBe("invalid_client");

    const exchanged = await tokenRequest({
      grant_type: "authorization_code",
      code: `x:${"A".repeat(16)}:${"B".repeat(32)}`,
      client_id: clientId,
      // As every client sends it (a code exchange without it is refused before anything else).
      redirect_uri: LOOPBACK_REDIRECT,
      code_verifier: "v".repeat(43),
    });
    expect([400, 401]).toContain(exchanged.status);
    expect((await exchanged.json<{ error: string }>()).error).toMatch(/invalid_(client|grant)/);
  });
});

/**
 * The MCP TypeScript SDK's auth(), as mcp-remote, the Inspector, Cline and Continue run it, with
 * mcp-remote's own client metadata (test/fixtures/clients/mcp-remote.json) and its
 * invalidateCredentials.
 */
function sdkClient(): MemoryOAuthClient {
  const { scope: _scope, ...request } = mcpRemote.registration.request;
  return new MemoryOAuthClient({ ...request, redirect_uris: ["http://localhost:40123/oauth/callback"] });
}

const fetchFn = workerFetch(withPassphrase);

async function signedInSdkClient(): Promise<MemoryOAuthClient> {
  const sdk = sdkClient();
  expect(await auth(sdk, { serverUrl: MCP_URL, fetchFn })).toBe("REDIRECT");
  const redirect = await consent(new Browser(), sdk.authorizationUrl!.href);
  const code = new URL(redirect.headers.get("Location")!).searchParams.get("code")!;
  expect(await auth(sdk, { serverUrl: MCP_URL, authorizationCode: code, fetchFn })).toBe("AUTHORIZED");
  return sdk;
}

describe("clients that recover by themselves (the MCP TypeScript SDK's auth())", () => {
  it("a forgotten client_id: the refresh gets invalid_client, the SDK drops everything, registers again and sends the person to sign in", async () => {
    const sdk = await signedInSdkClient();
    const old = sdk.client!.client_id;
    await forget(old);
    sdk.authorizationUrl = undefined;
    expect(await auth(sdk, { serverUrl: MCP_URL, fetchFn })).toBe("REDIRECT");
    expect(sdk.invalidated).toEqual(["all"]);
    expect(sdk.client!.client_id).not.toBe(old);
    expect(sdk.authorizationUrl!.searchParams.get("client_id")).toBe(sdk.client!.client_id);
    // …and that new registration signs in.
    const page = await new Browser().fetch(sdk.authorizationUrl!.href);
    expect(page.status).toBe(200);
  });

  it("a dead refresh token: invalid_grant, the SDK keeps its registration, drops the tokens and signs in again", async () => {
    const sdk = await signedInSdkClient();
    const spent = sdk.saved!.refresh_token!;
    // Used once elsewhere (a replay): the grant is revoked, so the token the SDK holds is dead.
    const used = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: spent,
      client_id: sdk.client!.client_id,
    });
    expect(used.status).toBe(200);
    sdk.authorizationUrl = undefined;
    expect(await auth(sdk, { serverUrl: MCP_URL, fetchFn })).toBe("REDIRECT");
    expect(sdk.invalidated).toEqual(["tokens"]);
    expect(sdk.authorizationUrl!.searchParams.get("client_id")).toBe(sdk.client!.client_id);
  });
});

describe("registrations of clients that signed in", () => {
  /** The KV expiry of the client record, and the expiry of the grant the sign-in made. */
  async function lifetimes(clientId: string): Promise<{ registration: number; grant: number }> {
    const { keys } = await env.OAUTH_KV.list({ prefix: `client:${clientId}` });
    const registration = keys[0]!.expiration!;
    const grants = await env.OAUTH_KV.list({ prefix: "grant:" });
    for (const key of grants.keys) {
      const grant = await env.OAUTH_KV.get<{ clientId: string; expiresAt: number }>(key.name, "json");
      if (grant?.clientId === clientId) return { registration, grant: grant.expiresAt };
    }
    throw new Error(`no grant for ${clientId}`);
  }

  it.each([
    ["with refresh tokens (30 days)", withPassphrase],
    // REFRESH_TOKEN_TTL=0, for the Worker and the grant's RefreshGuard alike (test/fixtures/token-settings.ts).
    ["without refresh tokens", tokenDeployment("NO_REFRESH_TOKENS")],
  ])("outlive their grant, %s, also after a refresh", async (_, vars) => {
    const { clientId, tokens } = await signIn({ vars });
    const first = await lifetimes(clientId);
    expect(first.registration).toBeGreaterThanOrEqual(first.grant);
    if (tokens.refresh_token) {
      const refreshed = await tokenRequest(
        { grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: clientId },
        vars,
      );
      expect(refreshed.status).toBe(200);
      const after = await lifetimes(clientId);
      expect(after.registration).toBeGreaterThanOrEqual(after.grant);
    }
  });

  it("an unused one still expires within the hour", async () => {
    const { client_id: clientId } = await register();
    const { keys } = await env.OAUTH_KV.list({ prefix: `client:${clientId}` });
    expect(keys[0]!.expiration! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(3600);
  });
});
