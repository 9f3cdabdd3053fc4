import {
  Client as ModernClient,
  type OAuthClientProvider as ModernProvider,
  StreamableHTTPClientTransport as ModernTransport,
} from "@modelcontextprotocol/client";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientMetadata } from "@modelcontextprotocol/sdk/shared/auth.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { serving } from "./fixtures/harness.js";
import { legacyValidator as jsonSchemaValidator } from "./helpers/legacy-client.js";
import { Browser, consent, LOOPBACK_REDIRECT, MCP_URL, withPassphrase } from "./helpers/oauth.js";
import { MemoryOAuthClient } from "./helpers/oauth-provider.js";
import { workerFetch } from "./helpers/worker.js";

// The harness fixtures (test/fixtures/harness.ts), not the examples: a fork deletes those.
serving();

/** The SDK test client's registration, as the SDK's auth() sends it. */
const SDK_CLIENT: OAuthClientMetadata = {
  client_name: "SDK test client",
  redirect_uris: [LOOPBACK_REDIRECT],
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  token_endpoint_auth_method: "none",
};
const memoryProvider = (clientMetadataUrl?: string) => new MemoryOAuthClient(SDK_CLIENT, clientMetadataUrl);

const fetchFn = workerFetch(withPassphrase);

/** What a person does in the browser the SDK opened: approve with the passphrase. */
async function approveInBrowser(provider: MemoryOAuthClient): Promise<string> {
  return (await callbackFromBrowser(provider)).get("code")!;
}

/** The query of the redirect back to the client: code, state and `iss` (RFC 9207). */
async function callbackFromBrowser(provider: MemoryOAuthClient): Promise<URLSearchParams> {
  const redirect = await consent(new Browser(), provider.authorizationUrl!.href);
  return new URL(redirect.headers.get("Location")!).searchParams;
}

async function connect(provider: MemoryOAuthClient): Promise<Client> {
  const client = new Client({ name: "sdk-oauth", version: "1.0.0" }, { jsonSchemaValidator });
  await client.connect(new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider, fetch: fetchFn }));
  return client;
}

afterEach(() => vi.restoreAllMocks());

describe("the SDK client's own OAuth support against the Worker", () => {
  it("auth() discovers, registers (DCR), authorizes with PKCE, exchanges, refreshes; the client then works", async () => {
    const provider = memoryProvider();
    expect(await auth(provider, { serverUrl: MCP_URL, fetchFn })).toBe("REDIRECT");
    expect(provider.client?.client_id).toBeTruthy(); // registered dynamically
    const url = provider.authorizationUrl!;
    expect(url.searchParams.get("resource")).toBe(MCP_URL);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("scope")).toBe("mcp profile"); // from the protected-resource metadata

    const code = await approveInBrowser(provider);
    expect(await auth(provider, { serverUrl: MCP_URL, authorizationCode: code, fetchFn })).toBe("AUTHORIZED");
    const first = provider.saved!;
    expect(first.access_token).toBeTruthy();

    const client = await connect(provider);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("caller");
    const me = await client.callTool({ name: "caller", arguments: {} });
    expect(me.structuredContent).toMatchObject({
      authenticated: true,
      provider: "passphrase",
      scopes: ["mcp", "profile"],
    });
    await client.close();

    // With a refresh token in hand, auth() refreshes instead of asking the user again.
    expect(await auth(provider, { serverUrl: MCP_URL, fetchFn })).toBe("AUTHORIZED");
    expect(provider.saved!.access_token).not.toBe(first.access_token);
    const again = await connect(provider);
    expect((await again.listTools()).tools.length).toBeGreaterThan(0);
    await again.close();
  });

  it("the transport's own flow: connect → 401 → authorization URL → finishAuth → connected", async () => {
    const provider = memoryProvider();
    const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), { authProvider: provider, fetch: fetchFn });
    const client = new Client({ name: "sdk-oauth", version: "1.0.0" }, { jsonSchemaValidator });
    await expect(client.connect(transport)).rejects.toThrow(/Unauthorized/);
    await transport.finishAuth(await approveInBrowser(provider));
    const connected = await connect(provider);
    expect((await connected.listTools()).tools.length).toBeGreaterThan(0);
    await connected.close();
  });

  it("the v2 client pinned to 2026-07-28: server/discover → 401 → authorization URL → finishAuth → connected", async () => {
    const provider = memoryProvider();
    const options = { authProvider: provider as unknown as ModernProvider, fetch: fetchFn };
    const pinned = { versionNegotiation: { mode: { pin: "2026-07-28" } } };
    const transport = new ModernTransport(new URL(MCP_URL), options);
    await expect(new ModernClient({ name: "sdk-oauth", version: "1.0.0" }, pinned).connect(transport)).rejects.toThrow(
      /Unauthorized/i,
    );
    expect(provider.authorizationUrl?.searchParams.get("resource")).toBe(MCP_URL);
    // The 2.x client checks the authorization response's issuer (RFC 9207): it takes the whole callback.
    await transport.finishAuth(await callbackFromBrowser(provider));
    const client = new ModernClient({ name: "sdk-oauth", version: "1.0.0" }, pinned);
    await client.connect(new ModernTransport(new URL(MCP_URL), options));
    expect(client.getProtocolEra()).toBe("modern");
    const me = await client.callTool({ name: "caller", arguments: {} });
    expect(me.structuredContent).toMatchObject({ authenticated: true, scopes: ["mcp", "profile"] });
    await client.close();
  });

  it("uses a Client ID Metadata Document when the client has one (no registration)", async () => {
    const id = "https://sdk-client.example.net/oauth/client-metadata.json";
    const provider = memoryProvider(id);
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url !== id) throw new TypeError(`unexpected fetch ${url}`);
      return Response.json({ client_id: id, ...provider.clientMetadata });
    });
    expect(await auth(provider, { serverUrl: MCP_URL, fetchFn })).toBe("REDIRECT");
    expect(provider.authorizationUrl!.searchParams.get("client_id")).toBe(id);
    const code = await approveInBrowser(provider);
    expect(await auth(provider, { serverUrl: MCP_URL, authorizationCode: code, fetchFn })).toBe("AUTHORIZED");
    const client = await connect(provider);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });
});
