import { afterEach, describe, expect, it, vi } from "vitest";
import { serverInfo } from "../src/server/info.js";
import { base64, sha256 } from "../src/template/encoding.js";
import { serving } from "./fixtures/harness.js";
import {
  authorizeUrl,
  Browser,
  codeFrom,
  consent,
  handleFrom,
  initialize,
  LOOPBACK_REDIRECT,
  ORIGIN,
  PASSPHRASE,
  pkce,
  postConsent,
  register,
  rpc,
  signIn,
  tokenRequest,
} from "./helpers/oauth.js";
import { fetchWorker } from "./helpers/worker.js";

// The harness fixtures (test/fixtures/harness.ts), not the examples: a fork deletes those.
serving();

afterEach(() => vi.restoreAllMocks());

const escapeHtml = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll("'", "&#39;");

async function openConsent(metadata: Record<string, unknown> = {}, browser = new Browser()) {
  const { client_id: clientId } = await register(metadata);
  const { challenge, verifier } = await pkce();
  const redirectUri = (metadata.redirect_uris as string[] | undefined)?.[0] ?? LOOPBACK_REDIRECT;
  const url = authorizeUrl({ clientId, challenge, redirectUri });
  const page = await browser.fetch(url);
  const html = await page.text();
  return { clientId, verifier, url, page, html, browser, redirectUri };
}

describe("the consent page", () => {
  it("shows who is asking, where access goes, what it allows, with a passphrase field", async () => {
    const { page, html } = await openConsent({ client_name: "Inspector" });
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    expect(html).toContain("Inspector");
    expect(html).toContain("registered itself: its name is not verified");
    expect(html).toContain("<strong>127.0.0.1</strong>");
    expect(html).toContain("an app on your computer"); // loopback warning
    expect(html).toMatch(/<code>mcp<\/code>/);
    expect(html).toMatch(/<code>profile<\/code>/);
    // Each scope with the text the server declares for it (src/server/info.ts), escaped.
    for (const scope of ["mcp", "profile"] as const) {
      expect(html).toContain(`<code>${scope}</code> — ${escapeHtml(serverInfo.scopes[scope])}`);
    }
    expect(html).toContain('type="password"');
    expect(html).toContain('value="approve"');
    expect(html).toContain('value="deny"');
  });

  it("has no loopback warning when access goes to a web app", async () => {
    const { html } = await openConsent({ redirect_uris: ["https://app.example.net/cb"] });
    expect(html).toContain("<strong>app.example.net</strong>");
    expect(html).not.toContain("an app on your computer");
  });

  it("escapes a hostile client name", async () => {
    const { html } = await openConsent({ client_name: `<script>alert("x")</script><img src=x onerror=alert(1)>` });
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("shows a client name as plain, short text: no bidi or control characters, at most 80 characters", async () => {
    // An attacker picks the name: reversed text or a name long enough to push the warnings off screen.
    const { html } = await openConsent({
      client_name: `\u202EtxeT\u0007 Claude${"\u200B".repeat(3)} ${"A".repeat(180)}`,
    });
    for (const hidden of ["\u202E", "\u0007", "\u200B"]) expect(html).not.toContain(hidden);
    expect(html).toContain("txeT Claude AAAA");
    expect(html).not.toContain("A".repeat(100));
    expect(html).toContain("…");
  });

  it("refuses framing and runs no script", async () => {
    const { page, html } = await openConsent();
    const csp = page.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    expect(page.headers.get("X-Frame-Options")).toBe("DENY");
    expect(page.headers.get("Cache-Control")).toContain("no-store");
    expect(html).not.toMatch(/<script|\son\w+=/i);
  });

  it("allows its one stylesheet by hash, not 'unsafe-inline', and has no style attributes", async () => {
    const { page, html } = await openConsent();
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    const csp = page.headers.get("Content-Security-Policy")!;
    expect(csp).toContain(`style-src 'sha256-${base64(await sha256(styles[0]!))}'`);
    expect(csp).not.toContain("unsafe-inline");
    expect(html).not.toMatch(/\sstyle=/i);
  });

  it("binds the form to the browser with a __Host- Secure HttpOnly cookie", async () => {
    const { page } = await openConsent();
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith("__Host-"))!;
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; Path=\//i);
  });

  it("Deny sends the client access_denied with its state and the issuer", async () => {
    const { html, url, browser, redirectUri } = await openConsent();
    const response = await postConsent(browser, url, { handle: handleFrom(html), decision: "deny" });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get("Location")!);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("state-123");
    expect(back.searchParams.get("iss")).toBe(ORIGIN);
    expect(back.searchParams.has("code")).toBe(false);
  });

  it("refuses a POST without the browser's binding cookie (CSRF), with a page, not a redirect", async () => {
    const { html, url } = await openConsent();
    const attacker = new Browser(); // has the handle, not the cookie
    const response = await postConsent(attacker, url, {
      handle: handleFrom(html),
      decision: "approve",
      passphrase: PASSPHRASE,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(await response.text()).toContain("cannot continue");
  });

  it("a consent handle works once", async () => {
    const { html, url, browser } = await openConsent();
    const handle = handleFrom(html);
    expect((await postConsent(browser, url, { handle, decision: "approve", passphrase: PASSPHRASE })).status).toBe(302);
    const again = await postConsent(browser, url, { handle, decision: "approve", passphrase: PASSPHRASE });
    expect(again.status).toBe(400);
    expect(again.headers.get("Location")).toBeNull();
  });

  it("refuses a body that is not a form with a 400 page", async () => {
    const { url, browser } = await openConsent();
    const response = await browser.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(400);
  });
});

describe("one consent form, one request, one code", () => {
  const approve = { decision: "approve", passphrase: PASSPHRASE };

  async function expectRefused(response: Response, reason: RegExp) {
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(await response.text()).toMatch(reason);
  }

  it("client A's form posted to client B's authorization URL is refused: no code for B", async () => {
    const a = await openConsent();
    const { client_id: b } = await register();
    const urlOfB = authorizeUrl({ clientId: b, challenge: (await pkce()).challenge });
    const response = await postConsent(a.browser, urlOfB, { handle: handleFrom(a.html), ...approve });
    await expectRefused(response, /shown for another sign-in request/);
    // The form still approves what it was shown for.
    expect(codeFrom(await postConsent(a.browser, a.url, { handle: handleFrom(a.html), ...approve }))).toBeTruthy();
  });

  it("a page shown for PKCE challenge C1, posted to a URL naming C2, is refused: no code for C2's verifier", async () => {
    const shown = await openConsent();
    const c2 = await pkce();
    const url = new URL(shown.url);
    url.searchParams.set("code_challenge", c2.challenge);
    const response = await postConsent(shown.browser, url.href, { handle: handleFrom(shown.html), ...approve });
    await expectRefused(response, /shown for another sign-in request/);
  });

  it.each([
    ["redirect_uri", "http://127.0.0.1:33418/other"],
    ["scope", "mcp profile"],
    ["state", "another-state"],
    ["resource", "https://mcp.example.com/mcp/"],
    ["response_type", "token"],
    ["an added parameter (prompt)", "prompt=consent"],
  ])("changing %s between the page and its post is refused", async (name, value) => {
    const shown = await openConsent({ redirect_uris: [LOOPBACK_REDIRECT, "http://127.0.0.1:33418/other"] });
    const url = new URL(shown.url);
    if (name.startsWith("an added")) url.search += `&${value}`;
    else url.searchParams.set(name, value);
    const response = await postConsent(shown.browser, url.href, { handle: handleFrom(shown.html), ...approve });
    await expectRefused(response, /shown for another sign-in request/);
  });

  it("one form posted 10 times at once yields one code, and that code works", async () => {
    const { html, url, browser, clientId, verifier } = await openConsent();
    const handle = handleFrom(html);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => postConsent(browser, url, { handle, ...approve })),
    );
    const codes = answers.filter((r) => r.status === 302);
    expect(codes).toHaveLength(1);
    for (const other of answers.filter((r) => r.status !== 302)) {
      expect([400, 429]).toContain(other.status);
      expect(other.headers.get("Location")).toBeNull();
    }
    const tokens = await tokenRequest({
      grant_type: "authorization_code",
      code: codeFrom(codes[0]!),
      redirect_uri: LOOPBACK_REDIRECT,
      client_id: clientId,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
  });

  it("one form denied 10 times at once sends the client one answer; later posts say it was used", async () => {
    const { html, url, browser } = await openConsent();
    const handle = handleFrom(html);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => postConsent(browser, url, { handle, decision: "deny" })),
    );
    expect(answers.filter((r) => r.status === 302)).toHaveLength(1);
    const used = answers.filter((r) => r.status === 400);
    expect(used).toHaveLength(9);
    expect(await used[0]!.text()).toContain("already answered");
  });

  it("a wrong passphrase does not use the form up", async () => {
    const { html, url, browser } = await openConsent();
    const handle = handleFrom(html);
    expect((await postConsent(browser, url, { handle, decision: "approve", passphrase: "wrong" })).status).toBe(403);
    expect((await postConsent(browser, url, { handle, ...approve })).status).toBe(302);
  });
});

describe("authorization requests the page refuses to show, without redirecting anywhere", () => {
  it.each([
    ["an unknown client_id", (id: string) => ({ clientId: `${id}-nope` })],
    ["a redirect_uri the client did not register", () => ({ redirectUri: "https://evil.example/cb" })],
    ["no client_id at all", () => ({ clientId: "" })],
  ])("%s: a 400 page", async (_, change) => {
    const { client_id } = await register();
    const { challenge } = await pkce();
    const response = await new Browser().fetch(authorizeUrl({ clientId: client_id, challenge, ...change(client_id) }));
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
  });

  it("a request without PKCE goes back to the (verified) client as an error", async () => {
    const { client_id } = await register();
    const url = new URL(authorizeUrl({ clientId: client_id, challenge: "x" }));
    url.searchParams.delete("code_challenge");
    url.searchParams.delete("code_challenge_method");
    const response = await new Browser().fetch(url.href);
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get("Location")!);
    expect(back.origin + back.pathname).toBe(LOOPBACK_REDIRECT);
    expect(back.searchParams.get("error")).toBe("invalid_request");
  });

  it("a plain PKCE challenge method is refused (S256 only)", async () => {
    const { client_id } = await register();
    const url = new URL(authorizeUrl({ clientId: client_id, challenge: "x".repeat(43) }));
    url.searchParams.set("code_challenge_method", "plain");
    const response = await new Browser().fetch(url.href);
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("Location")!).searchParams.get("error")).toBe("invalid_request");
  });
});

describe("passphrase sign-in", () => {
  it("a wrong passphrase shows the page again with the reason, and no code is issued", async () => {
    const { html, url, browser, clientId, verifier } = await openConsent();
    const wrong = await postConsent(browser, url, {
      handle: handleFrom(html),
      decision: "approve",
      passphrase: "guess",
    });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get("Location")).toBeNull();
    const retry = await wrong.text();
    expect(retry).toContain("passphrase is not right");
    // The fresh form works with the right passphrase.
    const right = await postConsent(browser, url, {
      handle: handleFrom(retry),
      decision: "approve",
      passphrase: PASSPHRASE,
    });
    const tokens = await tokenRequest({
      grant_type: "authorization_code",
      code: codeFrom(right),
      redirect_uri: LOOPBACK_REDIRECT,
      client_id: clientId,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
  });

  it.each([
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: same-site", { "Sec-Fetch-Site": "same-site" }],
    ["an Origin of another site", { Origin: "https://evil.example" }],
  ])("refuses a form posted from another site (%s) before the passphrase is counted", async (_, headers) => {
    // A page elsewhere could otherwise post wrong passphrases from the owner's browser and lock
    // the owner's address out; the binding cookie alone stops approval, not the counting.
    const browser = new Browser();
    const { url, html } = await openConsent({}, browser);
    for (let i = 0; i < 6; i++) {
      const forged = await browser.fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ handle: "forged", decision: "approve", passphrase: `guess ${i}` }),
      });
      expect(forged.status).toBe(403);
      expect(forged.headers.get("Location")).toBeNull();
      expect(await forged.text()).toContain("another site");
    }
    const mine = await postConsent(browser, url, {
      handle: handleFrom(html),
      decision: "approve",
      passphrase: PASSPHRASE,
    });
    expect(mine.status).toBe(302);
  });

  it("accepts the page's own post as browsers send it (Sec-Fetch-Site: same-origin, Origin: null under no-referrer)", async () => {
    const browser = new Browser();
    const { url, html } = await openConsent({}, browser);
    const response = await browser.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: "null" },
      body: new URLSearchParams({ handle: handleFrom(html), decision: "approve", passphrase: PASSPHRASE }),
    });
    expect(response.status).toBe(302);
  });

  it("does not read a form body of unknown length (no Content-Length): 400, nothing approved", async () => {
    const browser = new Browser();
    const { url, html } = await openConsent({}, browser);
    const form = new URLSearchParams({
      handle: handleFrom(html),
      decision: "approve",
      passphrase: PASSPHRASE,
      padding: "x".repeat(64 * 1024),
    }).toString();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(form));
        controller.close();
      },
    });
    const response = await browser.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
  });

  it("a missing passphrase is a wrong one", async () => {
    const { html, url, browser } = await openConsent();
    const response = await postConsent(browser, url, { handle: handleFrom(html), decision: "approve" });
    expect(response.status).toBe(403);
  });

  it("slows guessing down: after 5 failures from one address, even the right passphrase waits (429)", async () => {
    const browser = new Browser();
    const { url } = await openConsent({}, browser);
    for (let i = 0; i < 5; i++) {
      const page = await browser.fetch(url);
      const response = await postConsent(browser, url, {
        handle: handleFrom(await page.text()),
        decision: "approve",
        passphrase: `guess ${i}`,
      });
      expect(response.status).toBe(403);
    }
    const page = await browser.fetch(url);
    const blocked = await postConsent(browser, url, {
      handle: handleFrom(await page.text()),
      decision: "approve",
      passphrase: PASSPHRASE,
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(blocked.headers.get("Location")).toBeNull();
    // Another address is not affected.
    expect((await consent(new Browser(), url)).status).toBe(302);
  });

  it("without AUTH_PASSPHRASE on localhost: approve with the one-time code printed in the dev terminal", async () => {
    const printed: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void printed.push(args.join(" ")));
    const local = "http://localhost:8787";
    const vars = {};
    const registration = await fetchWorker(
      `${local}/oauth/register`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          client_name: "Dev",
          redirect_uris: [LOOPBACK_REDIRECT],
          token_endpoint_auth_method: "none",
        }),
      },
      vars,
    ).then((r) => r.json<{ client_id: string }>());
    const { challenge, verifier } = await pkce();
    const url = new URL(authorizeUrl({ clientId: registration.client_id, challenge, resource: `${local}/mcp` }));
    const target = `${local}/authorize${url.search}`;
    const browser = new Browser(vars);
    const page = await browser.fetch(target);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("Development mode");
    expect(html).toContain("AUTH_PASSPHRASE");
    expect(html).not.toContain('type="password"');
    expect(html).toContain('name="code"');
    // The code field is styled like the passphrase field (and as a code), by the page's own stylesheet.
    const field = /<input\b[^>]*\bname="code"[^>]*>/.exec(html)![0];
    expect(field).toContain('class="code"');
    expect(html).toMatch(/input\[type=password\], input\[type=text\] \{[^}]*width: 100%/);
    expect(html).toMatch(/input\.code \{[^}]*monospace/);
    const code = /Development sign-in code[^:]*: (\S+)/.exec(printed.join("\n"))?.[1];
    expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    // Without the code (a Host header saying localhost is not enough), nothing is approved.
    const refused = await postConsent(browser, target, { handle: handleFrom(html), decision: "approve" });
    expect(refused.status).toBe(403);
    // Typed in lower case, it is the same code.
    const redirect = await postConsent(browser, target, {
      handle: handleFrom(html),
      decision: "approve",
      code: code!.toLowerCase(),
    });
    const tokens = await fetchWorker(
      `${local}/oauth/token`,
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code: codeFrom(redirect),
          redirect_uri: LOOPBACK_REDIRECT,
          client_id: registration.client_id,
          code_verifier: verifier,
        }),
      },
      vars,
    ).then((r) => r.json<{ access_token: string }>());
    const me = await fetchWorker(
      `${local}/mcp`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${tokens.access_token}` },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "caller", arguments: {} },
        }),
      },
      vars,
    ).then((r) => r.json<{ result: { structuredContent: Record<string, unknown> } }>());
    expect(me.result.structuredContent).toMatchObject({ authenticated: true, provider: "dev" });
  });

  it("without AUTH_PASSPHRASE anywhere else: fails closed, naming the secret to set", async () => {
    const vars = {};
    const { client_id } = await register({}, vars);
    const { challenge } = await pkce();
    const url = authorizeUrl({ clientId: client_id, challenge });
    const browser = new Browser(vars);
    const page = await browser.fetch(url);
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain("wrangler secret put AUTH_PASSPHRASE");
    expect(html).not.toContain('name="handle"');
    // A forged approval is refused the same way.
    const post = await postConsent(browser, url, { handle: "anything", decision: "approve" });
    expect(post.status).toBe(503);
    expect(post.headers.get("Location")).toBeNull();
  });

  it("caller reports the passphrase holder end to end", async () => {
    const { tokens } = await signIn();
    await rpc(initialize, tokens.access_token);
    const me = await rpc(
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "caller", arguments: {} } },
      tokens.access_token,
    );
    expect(await me.json()).toMatchObject({
      result: { structuredContent: { authenticated: true, id: "owner", provider: "passphrase" } },
    });
  });
});

describe("other methods on the application's OAuth pages", () => {
  it.each([
    // HEAD is answered wherever GET is (Hono), so Allow names it too.
    ["/authorize", "PUT", "GET, HEAD, POST"],
    ["/authorize", "DELETE", "GET, HEAD, POST"],
    ["/oauth/callback", "POST", "GET, HEAD"],
  ])("%s answers %s with 405 and the methods it takes", async (path, method, allow) => {
    const response = await fetchWorker(`${ORIGIN}${path}`, { method }, { AUTH_PASSPHRASE: PASSPHRASE });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe(allow);
  });

  it("with MCP_AUTH=none they do not exist, whatever the method (404, not 405)", async () => {
    for (const method of ["GET", "POST", "PUT"]) {
      const response = await fetchWorker(`${ORIGIN}/authorize`, { method }, { MCP_AUTH: "none" });
      expect(response.status, method).toBe(404);
    }
  });
});
