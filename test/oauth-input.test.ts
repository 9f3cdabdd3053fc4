import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  authorizeUrl,
  Browser,
  initialize,
  MCP_URL,
  ORIGIN,
  pkce,
  register,
  rpc,
  server,
  signIn,
  tokenRequest,
} from "./helpers/oauth.js";
import { fetchWorker } from "./helpers/worker.js";

afterEach(() => vi.restoreAllMocks());

const long = (n: number) => "a".repeat(n);
/** Shaped like an issued token, with a user part long enough to overflow KV's 512-byte keys. */
const overlong = `${long(600)}:${"A".repeat(16)}:${"B".repeat(32)}`;

describe("point 2: over-long or malformed client strings never reach KV", () => {
  it("a 600-character bearer token: 401 invalid_token with the discovery header", async () => {
    for (const token of [overlong, long(600), `${long(300)}:${long(300)}:x`]) {
      const response = await rpc(initialize, token);
      expect(response.status).toBe(401);
      const challenge = response.headers.get("WWW-Authenticate")!;
      expect(challenge).toContain('error="invalid_token"');
      expect(challenge).toContain("resource_metadata=");
    }
  });

  it.each([
    ["client_id", { grant_type: "authorization_code", client_id: long(600), code: "x:y:z" }, 400, "invalid_client"],
    ["code", { grant_type: "authorization_code", client_id: "abc", code: overlong }, 400, "invalid_grant"],
    ["refresh_token", { grant_type: "refresh_token", client_id: "abc", refresh_token: overlong }, 400, "invalid_grant"],
    [
      "code_verifier",
      { grant_type: "authorization_code", client_id: "abc", code_verifier: long(600) },
      400,
      "invalid_request",
    ],
    ["token (revocation)", { token: overlong, client_id: "abc" }, 400, "invalid_request"],
    [
      "client_assertion (private_key_jwt, as ChatGPT sends)",
      { grant_type: "refresh_token", client_id: "abc", client_assertion: long(5000) },
      400,
      "invalid_request",
    ],
  ])("/oauth/token with an over-long %s: %i %s", async (_, fields, status, error) => {
    const response = await tokenRequest(fields as Record<string, string>);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
  });

  it("/oauth/token with a Basic header naming an over-long client: 401 invalid_client", async () => {
    const response = await server()("/oauth/token", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${btoa(`${long(700)}:secret`)}`,
      },
      body: "grant_type=refresh_token&refresh_token=x",
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain("Basic");
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });

  it("/oauth/token refuses a repeated parameter", async () => {
    const response = await server()("/oauth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=refresh_token&client_id=a&client_id=b&refresh_token=x",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request" });
  });

  it("/authorize with a 600-character client_id or a control character in it: a 400 page", async () => {
    const { challenge } = await pkce();
    for (const clientId of [long(600), "https://x.example/\nforged log line", "bad client"]) {
      const response = await new Browser().fetch(authorizeUrl({ clientId, challenge }));
      expect(response.status).toBe(400);
      expect(response.headers.get("Location")).toBeNull();
      expect(await response.text(), clientId).toContain("client_id");
    }
  });
});

describe("an authorization request names where the sign-in goes", () => {
  it("/authorize without redirect_uri: a 400 page that says so, and nothing to exchange", async () => {
    const { client_id: clientId } = await register();
    const { challenge } = await pkce();
    const url = new URL(authorizeUrl({ clientId, challenge }));
    url.searchParams.delete("redirect_uri");
    const response = await new Browser().fetch(url.href);
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(await response.text()).toContain("names no redirect_uri");
  });
});

describe("registration metadata is bounded in depth before it is parsed or stored", () => {
  it("a registration nested 5,000 levels deep (10 KB): 400 invalid_client_metadata, before the provider sees it", async () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const response = await server()("/oauth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: `{"client_name":"Deep","redirect_uris":["http://127.0.0.1:1/cb"],"token_endpoint_auth_method":"none","contacts":${deep}}`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "invalid_client_metadata",
      error_description: "The registration nests more than 64 levels deep",
    });
  });
});

describe("point 2: what the provider throws is a clean JSON error", () => {
  it("a KV failure on /mcp, /oauth/token and /oauth/register: JSON, no stack, path or runtime reference", async () => {
    const { tokens, clientId } = await signIn();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const failure = new Error("internal error; reference = 9x8y7z at /home/me/project/node_modules/x.js:1:2");
    vi.spyOn(env.OAUTH_KV, "get").mockRejectedValue(failure);
    vi.spyOn(env.OAUTH_KV, "put").mockRejectedValue(failure);
    const answers = [
      await rpc(initialize, tokens.access_token),
      await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: clientId }),
      await server()("/oauth/register", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:1/cb"], token_endpoint_auth_method: "none" }),
      }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(answer.headers.get("Content-Type")).toContain("application/json");
      const text = await answer.text();
      expect(JSON.parse(text)).toMatchObject({ error: "server_error" });
      for (const leak of ["reference", "/home/", "node_modules", "at ", "9x8y7z"]) expect(text).not.toContain(leak);
    }
    expect(errors).toHaveBeenCalled(); // the operator still sees what happened
  });
});

describe("point 2: client disconnects and forged log lines", () => {
  it("a body that breaks off mid-way is a 400, not an unhandled error", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const broken = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"jsonrpc":"2.0",'));
          controller.error(new Error("Network connection lost."));
        },
      });
    const init = (type: string) =>
      ({
        method: "POST",
        headers: { "Content-Type": type, Accept: "application/json" },
        body: broken(),
        duplex: "half",
      }) as RequestInit;
    const none = await fetchWorker("/mcp", init("application/json"), { MCP_AUTH: "none" });
    expect(none.status).toBe(400);
    const token = await fetchWorker(`${ORIGIN}/oauth/token`, init("application/x-www-form-urlencoded"), {});
    expect(token.status).toBe(400);
    const registration = await fetchWorker(`${ORIGIN}/oauth/register`, init("application/json"), {});
    expect(registration.status).toBe(400);
    expect(errors).not.toHaveBeenCalled();
  });

  it("no client-chosen value is logged with its line breaks", async () => {
    const lines: string[] = [];
    for (const level of ["log", "warn", "error", "info"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const { challenge } = await pkce();
    await new Browser().fetch(authorizeUrl({ clientId: "https://evil.example/\nFORGED oauth ok", challenge }));
    await tokenRequest({ grant_type: "authorization_code", client_id: "x\nFORGED", code: "a:b:c" });
    expect(lines.join("\n")).not.toMatch(/\nFORGED/);
  });
});

describe("point 2: the runtime's reference text never reaches a client", () => {
  it("a CIMD fetch that fails with the runtime's text gives a page without it", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("internal error; reference = abc123def"));
    const { challenge } = await pkce();
    const page = await new Browser().fetch(
      authorizeUrl({ clientId: "https://app.example.org/client.json", challenge, resource: MCP_URL }),
    );
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).not.toContain("reference");
    expect(html).toContain("could not be reached");
  });
});

describe("point 2: an unknown client's register-then-authorize still works (control)", () => {
  it("a normal client_id passes the shape checks", async () => {
    const { client_id } = await register();
    expect(client_id).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
