import { afterEach, describe, expect, it, vi } from "vitest";
import { base64url } from "../src/template/encoding.js";
import { serving } from "./fixtures/harness.js";
import {
  CLIENTS,
  type ClientFixture,
  codexCallbackId,
  documentOf,
  fill,
  type Placeholders,
} from "./helpers/client-fixtures.js";
import { sseMessages } from "./helpers/http.js";
import { Browser, handleFrom, MCP_URL, ORIGIN, PASSPHRASE, pkce, postConsent, server } from "./helpers/oauth.js";

// The compatibility matrix: every client in test/fixtures/clients/ signs in through the Worker
// exactly as it does in the wild (its registration or metadata document, its redirect URI, its
// scope and `resource` choices, its token endpoint authentication), lists and calls a tool in
// its protocol revision, and refreshes its token. The harness's own tools, not the examples.
serving();
afterEach(() => vi.restoreAllMocks());

const call = server();

/** Each client a loopback port of its own (the one it would have picked), stable across runs. */
function portOf(fixture: ClientFixture): number {
  let h = 0;
  for (const c of fixture.id) h = (h * 31 + c.charCodeAt(0)) % 10000;
  return 50000 + h;
}

/** The outside world the clients' documents live in: their client_id URLs and key sets. */
function serveOutside(documents: Record<string, unknown>) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!(url in documents)) throw new TypeError(`unexpected fetch in test: ${url}`);
    return Response.json(documents[url]);
  });
}

/** A client's signing key, for `private_key_jwt`: its public half is served at its jwks_uri. */
async function signingKey() {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  const publicJwk = { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: "matrix-1", alg: "RS256", use: "sig" };
  return {
    jwks: { keys: [publicJwk] },
    /** RFC 7523 §3: iss = sub = client_id, aud = the token endpoint, short-lived, unique. */
    async assertion(clientId: string, audience: string): Promise<string> {
      const now = Math.floor(Date.now() / 1000);
      const encode = (v: unknown) => base64url(JSON.stringify(v));
      const input = `${encode({ alg: "RS256", typ: "JWT", kid: "matrix-1" })}.${encode({
        iss: clientId,
        sub: clientId,
        aud: audience,
        iat: now,
        exp: now + 60,
        jti: crypto.randomUUID(),
      })}`;
      const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, new TextEncoder().encode(input));
      return `${input}.${base64url(new Uint8Array(signature))}`;
    },
  };
}

/** The JSON-RPC messages of an answer, whether JSON or an event stream. */
async function messagesOf(response: Response): Promise<Record<string, unknown>[]> {
  if (response.headers.get("Content-Type")?.startsWith("text/event-stream")) {
    return (await sseMessages(response)) as Record<string, unknown>[];
  }
  const body = await response.json();
  return (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
}

function postMcp(body: unknown, token: string | undefined, sessionId?: string) {
  return call("/mcp", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...(token && { Authorization: `Bearer ${token}` }),
      ...(sessionId && { "Mcp-Session-Id": sessionId }),
    },
    body: JSON.stringify(body),
  });
}

function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return call(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields),
  });
}

function initializeOf(fixture: ClientFixture) {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: fixture.mcp.protocolVersion,
      capabilities: fixture.mcp.capabilities,
      clientInfo: { name: fixture.client, version: "matrix" },
    },
  };
}

interface Discovery {
  challengeScope: string;
  resource: string;
  as: {
    issuer: string;
    authorization_endpoint: string;
    token_endpoint: string;
    registration_endpoint: string;
    scopes_supported: string[];
    client_id_metadata_document_supported: boolean;
    token_endpoint_auth_methods_supported: string[];
  };
}

/** Steps 1–3: the 401 from /mcp, then its resource metadata, then the authorization server's. */
async function discover(fixture: ClientFixture): Promise<Discovery> {
  const unauthorized = await postMcp(initializeOf(fixture), undefined);
  expect(unauthorized.status).toBe(401);
  const challenge = unauthorized.headers.get("WWW-Authenticate") ?? "";
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
  const challengeScope = /scope="([^"]+)"/.exec(challenge)?.[1];
  expect(metadataUrl).toBeDefined();
  expect(challengeScope).toBeDefined();
  const prm = await (await call(metadataUrl!)).json<{ resource: string; authorization_servers: string[] }>();
  expect(prm.resource).toBe(MCP_URL);
  const asMetadata = await call(`${prm.authorization_servers[0]}/.well-known/oauth-authorization-server`);
  expect(asMetadata.status).toBe(200);
  return { challengeScope: challengeScope!, resource: prm.resource, as: await asMetadata.json() };
}

interface Client {
  clientId: string;
  clientSecret?: string;
  clientName: string;
}

/** Token endpoint authentication, as the client does it. */
async function authenticate(
  fixture: ClientFixture,
  client: Client,
  d: Discovery,
  key: Awaited<ReturnType<typeof signingKey>> | undefined,
): Promise<{ fields: Record<string, string>; headers: Record<string, string> }> {
  switch (fixture.token.authMethod) {
    case "none":
      return { fields: { client_id: client.clientId }, headers: {} };
    case "client_secret_post":
      expect(client.clientSecret).toBeDefined();
      return { fields: { client_id: client.clientId, client_secret: client.clientSecret! }, headers: {} };
    case "client_secret_basic":
      return {
        fields: {},
        headers: { Authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}` },
      };
    case "private_key_jwt":
      return {
        fields: {
          client_id: client.clientId,
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          client_assertion: await key!.assertion(client.clientId, d.as.token_endpoint),
        },
        headers: {},
      };
  }
}

/** The `result` of the one answer in a response. */
async function resultOf<T>(response: Response): Promise<T> {
  const [answer] = await messagesOf(response);
  expect(answer?.result, JSON.stringify(answer)).toBeDefined();
  return answer!.result as T;
}

async function toolsOf(token: string, sessionId: string | undefined): Promise<string[]> {
  const list = await postMcp({ jsonrpc: "2.0", id: 2, method: "tools/list" }, token, sessionId);
  expect(list.status).toBe(200);
  return (await resultOf<{ tools: { name: string }[] }>(list)).tools.map((t) => t.name);
}

/** The MCP part: initialize in its revision, then tools/list and tools/call, keeping or dropping the session id. */
async function useTools(token: string, fixture: ClientFixture): Promise<void> {
  const initialized = await postMcp(initializeOf(fixture), token);
  expect(initialized.status).toBe(200);
  const hello = await resultOf<{ protocolVersion: string }>(initialized);
  expect(hello.protocolVersion).toBe(fixture.mcp.protocolVersion);
  const sessionId = fixture.mcp.dropsSessionId ? undefined : (initialized.headers.get("Mcp-Session-Id") ?? undefined);
  const notified = await postMcp({ jsonrpc: "2.0", method: "notifications/initialized" }, token, sessionId);
  expect(notified.status).toBe(202);
  expect(await toolsOf(token, sessionId)).toContain("echo");
  const echoed = await postMcp(
    { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "echo", arguments: { text: fixture.id } } },
    token,
    sessionId,
  );
  expect(echoed.status).toBe(200);
  expect((await resultOf<{ structuredContent: unknown }>(echoed)).structuredContent).toEqual({ text: fixture.id });
}

describe.each(CLIENTS.map((fixture) => [fixture.id, fixture] as const))("%s", (_id, fixture) => {
  it(
    fixture.status === "works"
      ? `${fixture.client} (${fixture.registration.kind}) signs in, calls a tool and refreshes, as it really does`
      : `${fixture.client} is refused with a page that says why, and nothing is granted`,
    async () => {
      const d = await discover(fixture);
      const p: Placeholders = {
        port: portOf(fixture),
        challengeScope: d.challengeScope,
        serverScopes: d.as.scopes_supported.join(" "),
        server: "matrix",
        callbackId: await codexCallbackId(MCP_URL),
        state: base64url(crypto.getRandomValues(new Uint8Array(16))),
      };

      // 4. A client ID: dynamic registration, or the client's metadata document, fetched from its URL.
      let client: Client;
      let key: Awaited<ReturnType<typeof signingKey>> | undefined;
      if (fixture.registration.kind === "dcr") {
        const body = fill(fixture.registration.request, p);
        const registered = await call(d.as.registration_endpoint, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(registered.status, await registered.clone().text()).toBe(201);
        const info = await registered.json<{ client_id: string; client_secret?: string }>();
        client = { clientId: info.client_id, clientSecret: info.client_secret, clientName: String(body.client_name) };
      } else {
        expect(d.as.client_id_metadata_document_supported).toBe(true);
        expect(d.as.token_endpoint_auth_methods_supported).toContain("none"); // Claude's condition for CIMD
        const document = documentOf(fixture);
        const outside: Record<string, unknown> = { [String(document.client_id)]: document };
        if (fixture.token.authMethod === "private_key_jwt") {
          key = await signingKey();
          outside[String(document.jwks_uri)] = key.jwks;
        }
        serveOutside(outside);
        client = { clientId: String(document.client_id), clientName: String(document.client_name) };
      }

      // 5. The authorization request, in the browser, as the client builds it.
      const { verifier, challenge } = await pkce();
      const redirectUri = fill(fixture.authorization.redirectUri, p);
      const authorize = new URL(d.as.authorization_endpoint);
      authorize.searchParams.set("response_type", "code");
      authorize.searchParams.set("client_id", client.clientId);
      authorize.searchParams.set("redirect_uri", redirectUri);
      const scope = { challenge: p.challengeScope, "server-metadata": p.serverScopes, none: undefined }[
        fixture.authorization.scope
      ];
      if (scope !== undefined) authorize.searchParams.set("scope", scope);
      else if (!["challenge", "server-metadata", "none"].includes(fixture.authorization.scope)) {
        authorize.searchParams.set("scope", fixture.authorization.scope);
      }
      authorize.searchParams.set("code_challenge", challenge);
      authorize.searchParams.set("code_challenge_method", "S256");
      if (fixture.authorization.state) authorize.searchParams.set("state", p.state);
      if (fixture.authorization.resource) authorize.searchParams.set("resource", d.resource);

      const browser = new Browser();
      const page = await browser.fetch(authorize.href);
      const html = await page.text();
      if (fixture.status === "incompatible") {
        expect(page.status).toBe(400);
        expect(html).toContain("redirect");
        expect(html).not.toContain('name="handle"');
        return;
      }
      expect(page.status, html).toBe(200);
      expect(html).toContain(client.clientName);

      const approved = await postConsent(browser, authorize.href, {
        handle: handleFrom(html),
        decision: "approve",
        passphrase: PASSPHRASE,
      });
      expect(approved.status).toBe(302);
      const back = new URL(approved.headers.get("Location")!);
      expect(back.href.startsWith(redirectUri)).toBe(true);
      expect(back.searchParams.get("state")).toBe(fixture.authorization.state ? p.state : null);
      expect(back.searchParams.get("iss")).toBe(ORIGIN);
      const code = back.searchParams.get("code")!;

      // 6. The code exchange, with what the client sends besides the code and verifier.
      const auth = await authenticate(fixture, client, d, key);
      const exchanged = await postForm(
        d.as.token_endpoint,
        {
          grant_type: "authorization_code",
          code,
          code_verifier: verifier,
          ...(fixture.token.exchange.redirectUri && { redirect_uri: redirectUri }),
          ...(fixture.token.exchange.resource && { resource: d.resource }),
          ...auth.fields,
        },
        auth.headers,
      );
      expect(exchanged.status, await exchanged.clone().text()).toBe(200);
      const tokens = await exchanged.json<{ access_token: string; refresh_token?: string; scope: string }>();
      expect(tokens.scope.split(" ")).toContain("mcp");

      // 7. tools/list and a call, in the client's protocol revision.
      await useTools(tokens.access_token, fixture);

      // 8. A refresh, as the client sends it; the new token works and the old refresh token is spent.
      if (!fixture.token.refresh) {
        expect(tokens.refresh_token).toBeUndefined();
        return;
      }
      expect(tokens.refresh_token).toBeDefined();
      const again = await authenticate(fixture, client, d, key);
      const refreshed = await postForm(
        d.as.token_endpoint,
        {
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token!,
          ...(fixture.token.refresh.resource && { resource: d.resource }),
          ...again.fields,
        },
        again.headers,
      );
      expect(refreshed.status, await refreshed.clone().text()).toBe(200);
      const renewed = await refreshed.json<{ access_token: string; refresh_token: string }>();
      expect(renewed.refresh_token).not.toBe(tokens.refresh_token);
      expect(await toolsOf(renewed.access_token, undefined)).toContain("echo");
    },
  );
});

describe("the matrix itself", () => {
  it("covers every client the issue names, and each fixture says where it came from", () => {
    const ids = CLIENTS.map((c) => c.id);
    for (const id of [
      "claude-ai",
      "claude-code",
      "chatgpt",
      "cursor",
      "vscode-dcr",
      "vscode-cimd",
      "windsurf",
      "codex-cli",
      "gemini-cli",
      "goose",
      "mcp-remote",
      "mcp-inspector",
      "smithery-connect",
    ]) {
      expect(ids).toContain(id);
    }
    for (const c of CLIENTS) {
      expect(c.sources.length, c.id).toBeGreaterThan(0);
      for (const s of c.sources) expect(s.url ?? (s.repo && s.path && s.commit), `${c.id} source`).toBeTruthy();
    }
  });
});
