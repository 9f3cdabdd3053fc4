import { afterEach, describe, expect, it, vi } from "vitest";
import {
  authorizeUrl,
  Browser,
  codeFrom,
  consent,
  handleFrom,
  MCP_URL,
  PASSPHRASE,
  pkce,
  postConsent,
  server,
  tokenRequest,
} from "./helpers/oauth.js";

// RFC 8252 private-use redirect URIs: accepted for the schemes desktop clients really use, and
// only those (the provider alone, with allowPrivateUseRedirectUris, would take almost any scheme).

afterEach(() => vi.restoreAllMocks());

const CURSOR = "cursor://anysphere.cursor-retrieval/oauth/user-abc/callback";

function registerRaw(redirectUris: unknown[]) {
  return server()("/oauth/register", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_name: "Some App",
      redirect_uris: redirectUris,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }),
  });
}

describe("registration", () => {
  it("accepts Cursor's registration with its cursor:// callback (refused before: https or loopback only)", async () => {
    const response = await registerRaw([CURSOR]);
    expect(response.status, await response.clone().text()).toBe(201);
    expect((await response.json<{ redirect_uris: string[] }>()).redirect_uris).toEqual([CURSOR]);
  });

  it.each([
    "com.example.app:/oauth2redirect/example-provider", // RFC 8252 §7.1's own example
    "com.example.app://callback",
    "vscode://vscode.github-authentication/did-authenticate",
    "vscode-insiders://ms-vscode.mcp/callback",
    "windsurf://codeium.windsurf/mcp/callback",
    "https://claude.ai/api/mcp/auth_callback",
    "http://127.0.0.1:33418/",
    "http://[::1]:8080/cb",
    "http://localhost/callback",
  ])("accepts %s", async (uri) => {
    const response = await registerRaw([uri]);
    expect(response.status, await response.clone().text()).toBe(201);
  });

  it.each([
    ["javascript:alert(1)", "javascript: scheme"],
    ["JaVaScRiPt:alert(1)", "javascript: scheme"],
    ["data:text/html,<script>alert(1)</script>", "data: scheme"],
    ["file:///etc/passwd", "file: scheme"],
    ["vbscript:msgbox", "vbscript: scheme"],
    ["blob:https://evil.example/x", "blob: scheme"],
    ["ws://127.0.0.1:9/cb", "ws: scheme"],
    ["http://evil.example/callback", "loopback host"],
    ["http://foo.localhost/callback", "loopback host"],
    ["https://evil.example/cb#fragment", "fragment"],
    ["https://user:pw@evil.example/cb", "user information"],
    ["https:evil.example/cb", "https://"],
    ["myapp://callback", "neither a reverse domain name"],
    ["web+mcp:callback", "neither a reverse domain name"],
    ["cursor:callback", "must name an app after cursor://"],
    ["cursor:///oauth/callback", "must name an app after cursor://"],
    ["com.example.app:/cb\nX-Injected: 1", "control characters"],
    ["relative/callback", "absolute URI"],
  ])("refuses %s", async (uri, why) => {
    const response = await registerRaw([uri]);
    expect(response.status).toBe(400);
    const body = await response.json<{ error: string; error_description: string }>();
    expect(body.error).toBe("invalid_redirect_uri");
    expect(body.error_description).toContain(why);
  });

  it("refuses the whole registration when one of several URIs is unsafe, so none of them is stored", async () => {
    const response = await registerRaw(["http://127.0.0.1:1234/cb", "javascript:alert(1)"]);
    expect(response.status).toBe(400);
    expect((await response.json<{ error: string }>()).error).toBe("invalid_redirect_uri");
  });
});

describe("authorization with a private-use redirect URI", () => {
  it("says which app receives the sign-in, warns that any app can claim the scheme, and sends the code there", async () => {
    const registered = await (await registerRaw([CURSOR])).json<{ client_id: string }>();
    const { verifier, challenge } = await pkce();
    const url = authorizeUrl({ clientId: registered.client_id, redirectUri: CURSOR, challenge, scope: "mcp" });
    const browser = new Browser();
    const page = await browser.fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("the app that opens <code>cursor://</code> links</strong> on your computer");
    expect(html).toContain("<code>anysphere.cursor-retrieval</code>");
    expect(html).toContain("Any app installed on your computer can claim <code>cursor://</code> links");
    expect(html).toContain("<q>Some App</q>");
    expect(html).toContain("its name is not verified");

    const redirect = await postConsent(browser, url, {
      handle: handleFrom(html),
      decision: "approve",
      passphrase: PASSPHRASE,
    });
    expect(redirect.headers.get("Location")!.startsWith(`${CURSOR}?`)).toBe(true);
    const tokens = await tokenRequest({
      grant_type: "authorization_code",
      code: codeFrom(redirect),
      redirect_uri: CURSOR,
      client_id: registered.client_id,
      code_verifier: verifier,
      resource: MCP_URL,
    });
    expect(tokens.status).toBe(200);
  });

  it("a web redirect URI gets no such warning", async () => {
    const uri = "https://claude.ai/api/mcp/auth_callback";
    const registered = await (await registerRaw([uri])).json<{ client_id: string }>();
    const { challenge } = await pkce();
    const html = await (
      await new Browser().fetch(authorizeUrl({ clientId: registered.client_id, redirectUri: uri, challenge }))
    ).text();
    expect(html).toContain("Access will be sent to <strong>claude.ai</strong>.");
    expect(html).not.toContain("can claim");
    expect(html).not.toContain("an app on your computer");
  });

  it("refuses, with a page and no redirect, a CIMD client's URI that registration would have refused", async () => {
    const clientId = "https://app.example/oauth/client.json";
    const doc = {
      client_id: clientId,
      client_name: "Odd App",
      redirect_uris: ["myapp://callback"],
      token_endpoint_auth_method: "none",
    };
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json(doc));
    const { challenge } = await pkce();
    const page = await new Browser().fetch(authorizeUrl({ clientId, redirectUri: "myapp://callback", challenge }));
    expect(page.status).toBe(400);
    expect(page.headers.get("Location")).toBeNull();
    const html = await page.text();
    expect(html).toContain("does not send sign-ins there");
    expect(html).not.toContain('name="handle"');
  });

  it("a refused redirect URI on /authorize never reaches the provider (a stored one from before cannot be used either)", async () => {
    // A registration made directly through the provider's API would skip the gateway; the
    // authorization request is checked on its own.
    const { challenge } = await pkce();
    const page = await new Browser().fetch(
      authorizeUrl({ clientId: "abcdefghijklmnop", redirectUri: "javascript:alert(1)", challenge }),
    );
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("cannot use the javascript: scheme");
  });
});

it("consent helper still works for the loopback clients (regression guard)", async () => {
  const registered = await (await registerRaw(["http://127.0.0.1:33418/callback"])).json<{ client_id: string }>();
  const { challenge } = await pkce();
  const redirect = await consent(
    new Browser(),
    authorizeUrl({ clientId: registered.client_id, challenge, redirectUri: "http://127.0.0.1:40000/callback" }),
  );
  expect(redirect.status).toBe(302);
});
