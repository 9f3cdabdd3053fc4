import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  authorizeUrl,
  Browser,
  handleFrom,
  LOOPBACK_REDIRECT,
  pkce,
  postConsent,
  register,
  server,
  signIn,
} from "./helpers/oauth.js";
import { nextAddress } from "./helpers/worker.js";

afterEach(() => vi.restoreAllMocks());

function registerFrom(address: string, metadata: Record<string, unknown> = {}, body?: string) {
  return server()("/oauth/register", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": address },
    body:
      body ?? JSON.stringify({ redirect_uris: [LOOPBACK_REDIRECT], token_endpoint_auth_method: "none", ...metadata }),
  });
}

describe("point 4: registrations are bounded", () => {
  it("10 registrations per address per hour; the 11th is a 429 with Retry-After, another address is unaffected", async () => {
    const address = nextAddress();
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await registerFrom(address)).status);
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    const refused = await registerFrom(address);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(3000);
    expect((await registerFrom(nextAddress())).status).toBe(201);
  });

  it("12 registrations sent at once from one address: exactly 10 stored", async () => {
    const address = nextAddress();
    const answers = await Promise.all(Array.from({ length: 12 }, () => registerFrom(address)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(10);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it.each([
    ["a 201-character client_name", { client_name: "n".repeat(201) }, 400, "invalid_client_metadata"],
    ["a 1 MB client_name", { client_name: "n".repeat(1_000_000) }, 413, "invalid_client_metadata"],
    [
      "6 redirect URIs",
      { redirect_uris: Array.from({ length: 6 }, (_, i) => `http://127.0.0.1:${1000 + i}/cb`) },
      400,
      "invalid_redirect_uri",
    ],
    [
      "a 3000-character logo_uri",
      { logo_uri: `https://x.example/${"l".repeat(3000)}` },
      400,
      "invalid_client_metadata",
    ],
  ])("%s is refused before anything is stored", async (_, metadata, status, error) => {
    const put = vi.spyOn(env.OAUTH_KV, "put");
    const response = await registerFrom(nextAddress(), metadata);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
    expect(put).not.toHaveBeenCalled();
  });

  it("a 200-character name is accepted", async () => {
    expect((await registerFrom(nextAddress(), { client_name: "n".repeat(200) })).status).toBe(201);
  });

  it("an unused registration expires within the hour; one that gets a grant lives as long as the grant", async () => {
    const expiry = async (clientId: string) => {
      const { keys } = await env.OAUTH_KV.list({ prefix: `client:${clientId}` });
      return keys[0]!.expiration! - Math.floor(Date.now() / 1000);
    };
    const unused = await register();
    expect(await expiry(unused.client_id)).toBeLessThanOrEqual(3600);
    const { clientId } = await signIn();
    // REFRESH_TOKEN_TTL (30 days) and a day.
    expect(await expiry(clientId)).toBeGreaterThan(30 * 86400);
  });
});

describe("point 4: anonymous requests write nothing to KV", () => {
  it("GET /authorize, a denial, a wrong passphrase and a refused token request: 0 KV writes", async () => {
    const { client_id: clientId } = await register();
    const { challenge } = await pkce();
    const url = authorizeUrl({ clientId, challenge });
    const put = vi.spyOn(env.OAUTH_KV, "put");
    const del = vi.spyOn(env.OAUTH_KV, "delete");
    const browser = new Browser();
    const page = await browser.fetch(url);
    expect(page.status).toBe(200);
    const handle = handleFrom(await page.text());
    expect((await postConsent(browser, url, { handle, decision: "approve", passphrase: "wrong" })).status).toBe(403);
    expect((await postConsent(browser, url, { handle, decision: "deny" })).status).toBe(302);
    const token = await server()("/oauth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: `x:${"A".repeat(16)}:${"B".repeat(32)}`,
        client_id: clientId,
      }),
    });
    expect(token.status).toBe(400);
    expect(put).not.toHaveBeenCalled();
    expect(del).not.toHaveBeenCalled();
  });
});

describe("point 4: request rates per address", () => {
  it("/oauth/token: 60 a minute, then 429", async () => {
    const address = nextAddress();
    const send = () =>
      server()("/oauth/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": address },
        body: "grant_type=refresh_token&client_id=abc&refresh_token=x",
      });
    const answers = await Promise.all(Array.from({ length: 61 }, send));
    expect(answers.filter((r) => r.status === 429)).toHaveLength(1);
  });

  it("/authorize: 60 a minute, then 429", async () => {
    const address = nextAddress();
    const answers = await Promise.all(
      Array.from({ length: 61 }, () =>
        server()("/authorize?client_id=nobody", { headers: { "CF-Connecting-IP": address } }),
      ),
    );
    expect(answers.filter((r) => r.status === 429)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 400)).toHaveLength(60);
  });

  it("/oauth/token bodies are at most 8 KiB, chunked or not", async () => {
    const big = `grant_type=refresh_token&x=${"y".repeat(9000)}`;
    const declared = await server()("/oauth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: big,
    });
    expect(declared.status).toBe(413);
    const chunked = await server()("/oauth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new Blob([big]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});
