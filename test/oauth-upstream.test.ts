import { afterEach, describe, expect, it, vi } from "vitest";
import { base64url, sha256 } from "../src/template/encoding.js";
import { serving } from "./fixtures/harness.js";
import {
  authorizeUrl,
  Browser,
  codeFrom,
  handleFrom,
  LOOPBACK_REDIRECT,
  ORIGIN,
  pkce,
  postConsent,
  register,
  rpc,
  tokenRequest,
} from "./helpers/oauth.js";

// The harness fixtures (test/fixtures/harness.ts), not the examples: a fork deletes those.
serving();

const secrets = { UPSTREAM_CLIENT_ID: "upstream-client", UPSTREAM_CLIENT_SECRET: "upstream-secret" };
const githubVars = { AUTH_IDENTITY: "github", ...secrets };
const ISSUER = "https://id.example.org";
const oidcVars = { AUTH_IDENTITY: "oidc", OIDC_ISSUER: ISSUER, ...secrets };
const CALLBACK = `${ORIGIN}/oauth/callback`;

type Vars = Record<string, string>;

interface FakeUpstream {
  /** Requests the Worker made to the provider, by URL. */
  calls: { url: string; body: string; headers: Headers }[];
}

/**
 * A fake provider inside the test run: it checks what a real one would (client secret, redirect
 * URI, the PKCE verifier against the challenge it saw) and answers with its documents.
 */
function fakeUpstream(routes: Record<string, (request: Request) => Response | Promise<Response>>): FakeUpstream {
  const calls: FakeUpstream["calls"] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const body = request.method === "POST" ? new TextDecoder().decode(await request.clone().arrayBuffer()) : "";
    calls.push({ url: request.url, body, headers: request.headers });
    const route = routes[request.url.split("?")[0]!];
    if (!route) return new Response("not found", { status: 404 });
    return route(request);
  });
  return { calls };
}

async function s256(verifier: string) {
  return base64url(await sha256(verifier));
}

/** The token endpoint of a provider that issued `code` for `challenge`. */
function tokenEndpoint(
  expected: { code: string; challenge: () => string },
  answer: Record<string, unknown> = { access_token: "upstream-token", token_type: "bearer" },
) {
  return async (request: Request) => {
    const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
    const ok =
      form.get("grant_type") === "authorization_code" &&
      form.get("code") === expected.code &&
      form.get("client_id") === secrets.UPSTREAM_CLIENT_ID &&
      form.get("client_secret") === secrets.UPSTREAM_CLIENT_SECRET &&
      form.get("redirect_uri") === CALLBACK &&
      (await s256(form.get("code_verifier") ?? "")) === expected.challenge();
    return ok ? Response.json(answer) : Response.json({ error: "bad_verification_code" }, { status: 400 });
  };
}

/** Client → consent → approve: the browser is sent to the upstream provider. */
async function toUpstream(vars: Vars) {
  const { client_id: clientId } = await register({}, vars);
  const { verifier, challenge } = await pkce();
  const url = authorizeUrl({ clientId, challenge });
  const browser = new Browser(vars);
  const page = await browser.fetch(url);
  const html = await page.text();
  const response = await postConsent(browser, url, { handle: handleFrom(html), decision: "approve" });
  return { clientId, verifier, url, browser, html, page, response };
}

async function finish(vars: Vars, flow: Awaited<ReturnType<typeof toUpstream>>, redirect: Response) {
  const tokens = await tokenRequest(
    {
      grant_type: "authorization_code",
      code: codeFrom(redirect),
      redirect_uri: LOOPBACK_REDIRECT,
      client_id: flow.clientId,
      code_verifier: flow.verifier,
    },
    vars,
  ).then((r) => r.json<{ access_token: string }>());
  const me = await rpc(
    { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "caller", arguments: {} } },
    tokens.access_token,
    vars,
  );
  return (await me.json<{ result: { structuredContent: Record<string, unknown> } }>()).result.structuredContent;
}

afterEach(() => vi.restoreAllMocks());

describe("GitHub sign-in (fake GitHub in the test run)", () => {
  let challenge = "";
  const github = () =>
    fakeUpstream({
      "https://github.com/login/oauth/access_token": tokenEndpoint({ code: "gh-code", challenge: () => challenge }),
      "https://api.github.com/user": (r) =>
        r.headers.get("Authorization") === "Bearer upstream-token"
          ? Response.json({ id: 583231, login: "octocat", name: "The Octocat" })
          : new Response("{}", { status: 401 }),
      "https://api.github.com/user/emails": () =>
        Response.json([
          { email: "old@example.com", primary: false, verified: true },
          { email: "octocat@github.com", primary: true, verified: true },
        ]),
    });

  it("consent first, then GitHub with PKCE and a bound state, then the grant with the user's login", async () => {
    const fake = github();
    const flow = await toUpstream(githubVars);
    expect(flow.html).toContain("You will sign in with GitHub next");
    expect(flow.html).not.toContain('type="password"');

    expect(flow.response.status).toBe(302);
    const to = new URL(flow.response.headers.get("Location")!);
    expect(`${to.origin}${to.pathname}`).toBe("https://github.com/login/oauth/authorize");
    expect(to.searchParams.get("client_id")).toBe("upstream-client");
    expect(to.searchParams.get("redirect_uri")).toBe(CALLBACK);
    expect(to.searchParams.get("code_challenge_method")).toBe("S256");
    expect(to.searchParams.get("scope")).toBe("read:user user:email");
    challenge = to.searchParams.get("code_challenge")!;
    const state = to.searchParams.get("state")!;
    expect(state).toBeTruthy();

    // GitHub sends the browser back.
    const back = await flow.browser.fetch(`${CALLBACK}?code=gh-code&state=${encodeURIComponent(state)}`);
    expect(back.status).toBe(302);
    expect(new URL(back.headers.get("Location")!).origin).toBe(new URL(LOOPBACK_REDIRECT).origin);
    expect(fake.calls.some((c) => c.url === "https://github.com/login/oauth/access_token")).toBe(true);
    // Open to every GitHub account (no AUTH_ALLOWED_USERS): signing in proves nothing about the
    // browser, so it is not trusted past the anonymous limits.
    expect(flow.browser.cookies.has("__Host-mcp-device")).toBe(false);

    expect(await finish(githubVars, flow, back)).toEqual({
      authenticated: true,
      id: "583231",
      provider: "github",
      login: "octocat",
      email: "octocat@github.com",
      name: "The Octocat",
      scopes: ["mcp", "profile"],
    });
  });

  it("with an allow-list, a browser that signed in before starts again when its address has used up its starts", async () => {
    github();
    const vars = { ...githubVars, AUTH_ALLOWED_USERS: "octocat" };
    const flow = await toUpstream(vars);
    const state = new URL(flow.response.headers.get("Location")!).searchParams.get("state")!;
    challenge = new URL(flow.response.headers.get("Location")!).searchParams.get("code_challenge")!;
    expect((await flow.browser.fetch(`${CALLBACK}?code=gh-code&state=${encodeURIComponent(state)}`)).status).toBe(302);
    expect(flow.browser.cookies.has("__Host-mcp-device")).toBe(true);

    // Someone else at the same address starts 10 more: the address has 10 an hour, one of them used above.
    const neighbour = new Browser(vars, flow.browser.ip);
    const starts = [];
    for (let i = 0; i < 10; i++) {
      const { client_id: clientId } = await register({}, vars);
      const url = authorizeUrl({ clientId, challenge: (await pkce()).challenge });
      const page = await neighbour.fetch(url);
      starts.push(await postConsent(neighbour, url, { handle: handleFrom(await page.text()), decision: "approve" }));
    }
    expect(starts.slice(0, 9).map((r) => r.status)).toEqual(Array(9).fill(302));
    expect(starts[9]!.status).toBe(429);
    expect(await starts[9]!.text()).toContain("Too many sign-ins from your address");

    // The browser that signed in before is counted on its own.
    const { client_id: clientId } = await register({}, vars);
    const url = authorizeUrl({ clientId, challenge: (await pkce()).challenge });
    const page = await flow.browser.fetch(url);
    const again = await postConsent(flow.browser, url, { handle: handleFrom(await page.text()), decision: "approve" });
    expect(again.status).toBe(302);
    expect(again.headers.get("Location")).toMatch(/^https:\/\/github\.com\/login\/oauth\/authorize\?/);
  });

  it("lets in only the allow-list, case-insensitively", async () => {
    github();
    const allowed = { ...githubVars, AUTH_ALLOWED_USERS: "someone, OCTOCAT" };
    const ok = await toUpstream(allowed);
    challenge = new URL(ok.response.headers.get("Location")!).searchParams.get("code_challenge")!;
    const state = new URL(ok.response.headers.get("Location")!).searchParams.get("state")!;
    expect((await ok.browser.fetch(`${CALLBACK}?code=gh-code&state=${state}`)).status).toBe(302);

    const denied = { ...githubVars, AUTH_ALLOWED_USERS: "someone-else@example.com" };
    const no = await toUpstream(denied);
    const to = new URL(no.response.headers.get("Location")!);
    challenge = to.searchParams.get("code_challenge")!;
    const refused = await no.browser.fetch(`${CALLBACK}?code=gh-code&state=${to.searchParams.get("state")}`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("Location")).toBeNull();
    expect(await refused.text()).toContain("as octocat, which is not on this server");
  });

  it("refuses the callback in another browser (state bound to the one that consented)", async () => {
    github();
    const flow = await toUpstream(githubVars);
    const state = new URL(flow.response.headers.get("Location")!).searchParams.get("state")!;
    const stolen = await new Browser(githubVars).fetch(`${CALLBACK}?code=gh-code&state=${state}`);
    expect(stolen.status).toBe(400);
    expect(stolen.headers.get("Location")).toBeNull();
  });

  it("GitHub's error=access_denied goes back to the client as access_denied", async () => {
    github();
    const flow = await toUpstream(githubVars);
    const state = new URL(flow.response.headers.get("Location")!).searchParams.get("state")!;
    const back = await flow.browser.fetch(`${CALLBACK}?error=access_denied&state=${state}`);
    expect(back.status).toBe(302);
    const to = new URL(back.headers.get("Location")!);
    expect(to.searchParams.get("error")).toBe("access_denied");
    expect(to.searchParams.get("iss")).toBe(ORIGIN);
  });

  it("a code GitHub refuses (wrong verifier, secret or redirect) is a 502 page, not a 500", async () => {
    github();
    const flow = await toUpstream(githubVars);
    challenge = "not-the-challenge";
    const state = new URL(flow.response.headers.get("Location")!).searchParams.get("state")!;
    const back = await flow.browser.fetch(`${CALLBACK}?code=gh-code&state=${state}`);
    expect(back.status).toBe(502);
    expect(await back.text()).toContain("bad_verification_code");
  });

  it("without the client secrets: a page naming both, nobody gets in", async () => {
    const vars = { AUTH_IDENTITY: "github" };
    const { client_id } = await register({}, vars);
    const { challenge: c } = await pkce();
    const page = await new Browser(vars).fetch(authorizeUrl({ clientId: client_id, challenge: c }));
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain("wrangler secret put UPSTREAM_CLIENT_ID");
    expect(html).toContain("wrangler secret put UPSTREAM_CLIENT_SECRET");
    // The callback says the same, not that this server has no upstream sign-in.
    const callback = await new Browser(vars).fetch(`${CALLBACK}?code=x&state=y`);
    expect(callback.status).toBe(503);
    expect(await callback.text()).toContain("wrangler secret put UPSTREAM_CLIENT_ID");
  });

  it("a callback on a passphrase server is a 404 page", async () => {
    const response = await new Browser().fetch(`${CALLBACK}?code=x&state=y`);
    expect(response.status).toBe(404);
  });
});

describe("OpenID Connect sign-in by discovery (fake issuer in the test run)", () => {
  let challenge = "";
  const discovery =
    (issuer = ISSUER) =>
    () =>
      Response.json({
        issuer,
        authorization_endpoint: `${ISSUER}/authorize`,
        token_endpoint: `${ISSUER}/token`,
        userinfo_endpoint: `${ISSUER}/userinfo`,
        jwks_uri: `${ISSUER}/jwks`,
      });
  const oidc = (userinfo: Record<string, unknown>, issuer = ISSUER) =>
    fakeUpstream({
      [`${ISSUER}/.well-known/openid-configuration`]: discovery(issuer),
      [`${ISSUER}/token`]: tokenEndpoint(
        { code: "oidc-code", challenge: () => challenge },
        { access_token: "upstream-token", id_token: "x.y.z", token_type: "Bearer" },
      ),
      [`${ISSUER}/userinfo`]: (r) =>
        r.headers.get("Authorization") === "Bearer upstream-token"
          ? Response.json(userinfo)
          : new Response("{}", { status: 401 }),
    });
  const ada = {
    sub: "user-1",
    email: "ada@example.org",
    email_verified: true,
    name: "Ada Lovelace",
    preferred_username: "ada",
  };

  it("discovers the endpoints, signs in with PKCE, and the userinfo becomes the grant's user", async () => {
    const fake = oidc(ada);
    const flow = await toUpstream(oidcVars);
    expect(flow.html).toContain("You will sign in with id.example.org next");
    const to = new URL(flow.response.headers.get("Location")!);
    expect(`${to.origin}${to.pathname}`).toBe(`${ISSUER}/authorize`);
    expect(to.searchParams.get("scope")).toBe("openid email profile");
    expect(to.searchParams.get("redirect_uri")).toBe(CALLBACK);
    challenge = to.searchParams.get("code_challenge")!;
    const back = await flow.browser.fetch(
      `${CALLBACK}?code=oidc-code&state=${encodeURIComponent(to.searchParams.get("state")!)}`,
    );
    expect(back.status).toBe(302);
    expect(fake.calls.map((c) => c.url)).toContain(`${ISSUER}/.well-known/openid-configuration`);
    expect(await finish(oidcVars, flow, back)).toMatchObject({
      authenticated: true,
      id: "user-1",
      provider: "oidc",
      login: "ada",
      email: "ada@example.org",
      name: "Ada Lovelace",
    });
  });

  it("the allow-list counts only a verified email", async () => {
    const vars = { ...oidcVars, AUTH_ALLOWED_USERS: "ada@example.org" };
    oidc({ ...ada, email_verified: false });
    const flow = await toUpstream(vars);
    const to = new URL(flow.response.headers.get("Location")!);
    challenge = to.searchParams.get("code_challenge")!;
    const back = await flow.browser.fetch(
      `${CALLBACK}?code=oidc-code&state=${encodeURIComponent(to.searchParams.get("state")!)}`,
    );
    expect(back.status).toBe(403);
  });

  /** Consent → upstream → callback with `userinfo`: the callback's answer. */
  async function callbackWith(vars: Vars, userinfo: Record<string, unknown>) {
    oidc(userinfo);
    const flow = await toUpstream(vars);
    const to = new URL(flow.response.headers.get("Location")!);
    challenge = to.searchParams.get("code_challenge")!;
    const back = await flow.browser.fetch(
      `${CALLBACK}?code=oidc-code&state=${encodeURIComponent(to.searchParams.get("state")!)}`,
    );
    return { flow, back };
  }

  it("an allow-listed email never matches a sub that reads like it", async () => {
    const vars = { ...oidcVars, AUTH_ALLOWED_USERS: "ada@example.org" };
    const { back } = await callbackWith(vars, {
      sub: "ada@example.org",
      email: "ada@example.org",
      email_verified: false,
    });
    expect(back.status).toBe(403);
  });

  it("an allow-list entry without @ matches only the sub, exactly (subs are case-sensitive)", async () => {
    const exact = await callbackWith({ ...oidcVars, AUTH_ALLOWED_USERS: "user-1" }, ada);
    expect(exact.back.status).toBe(302);
    vi.restoreAllMocks();
    const otherCase = await callbackWith({ ...oidcVars, AUTH_ALLOWED_USERS: "USER-1" }, ada);
    expect(otherCase.back.status).toBe(403);
    vi.restoreAllMocks();
    // The preferred_username is not the account: it matches nothing.
    const byName = await callbackWith({ ...oidcVars, AUTH_ALLOWED_USERS: "ada" }, ada);
    expect(byName.back.status).toBe(403);
  });

  it("a 2 MB userinfo answer is refused with a clear page, not a 500", async () => {
    const { back } = await callbackWith(oidcVars, { ...ada, name: "x".repeat(2_000_000) });
    expect(back.status).toBe(502);
    expect(back.headers.get("Content-Type")).toContain("text/html");
    expect(await back.text()).toContain("more than 64 KiB");
  });

  it("a userinfo answer nested 1,000 levels deep is refused with a clear page before it is parsed", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    const { back } = await callbackWith(oidcVars, { ...ada, extra: deep });
    expect(back.status).toBe(502);
    expect(await back.text()).toContain("nested more than 64 levels deep");
  });

  it("a sub longer than OpenID Connect allows is refused; a long display name is clipped", async () => {
    const tooLong = await callbackWith(oidcVars, { ...ada, sub: "s".repeat(256) });
    expect(tooLong.back.status).toBe(502);
    expect(await tooLong.back.text()).toContain("did not say who signed in");
    vi.restoreAllMocks();
    // 255 characters that each need percent-encoding: the user id in tokens is hashed instead.
    const wide = await callbackWith(oidcVars, { ...ada, sub: "é".repeat(255), name: "N".repeat(5000) });
    expect(wide.back.status).toBe(302);
    const me = await finish(oidcVars, wide.flow, wide.back);
    expect(me).toMatchObject({ authenticated: true, id: "é".repeat(255), provider: "oidc" });
    expect(String(me.name)).toHaveLength(200);
  });

  it("a discovery document naming another issuer stops before the consent handle is spent", async () => {
    const other = "https://other-id.example.org";
    fakeUpstream({
      [`${other}/.well-known/openid-configuration`]: () =>
        Response.json({
          issuer: "https://impostor.example",
          authorization_endpoint: `${other}/authorize`,
          token_endpoint: `${other}/token`,
          userinfo_endpoint: `${other}/userinfo`,
        }),
    });
    const vars = { ...oidcVars, OIDC_ISSUER: other };
    const flow = await toUpstream(vars);
    expect(flow.response.status).toBe(502);
    expect(await flow.response.text()).toContain("names another issuer");
    expect(flow.response.headers.get("Location")).toBeNull();

    // Fixed upstream, same form: the handle still works.
    vi.restoreAllMocks();
    fakeUpstream({
      [`${other}/.well-known/openid-configuration`]: () =>
        Response.json({
          issuer: other,
          authorization_endpoint: `${other}/authorize`,
          token_endpoint: `${other}/token`,
          userinfo_endpoint: `${other}/userinfo`,
        }),
    });
    const retry = await postConsent(flow.browser, flow.url, { handle: handleFrom(flow.html), decision: "approve" });
    expect(retry.status).toBe(302);
    expect(retry.headers.get("Location")).toMatch(/^https:\/\/other-id\.example\.org\/authorize\?/);
  });

  it("an unreachable issuer is a 502 page", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Network connection lost"));
    const vars = { ...oidcVars, OIDC_ISSUER: "https://down.example.org" };
    const flow = await toUpstream(vars);
    expect(flow.response.status).toBe(502);
    expect(await flow.response.text()).toContain("could not be reached");
  });
});
