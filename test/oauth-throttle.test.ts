import { afterEach, describe, expect, it, vi } from "vitest";
import {
  authorizeUrl,
  Browser,
  codeFrom,
  consent,
  handleFrom,
  PASSPHRASE,
  pkce,
  postConsent,
  register,
} from "./helpers/oauth.js";

afterEach(() => vi.restoreAllMocks());

/** A consent page opened in `browser`: its URL and form handle. */
async function openPage(browser: Browser, vars?: Record<string, string>, origin?: string) {
  const { client_id: clientId } = await register({}, vars);
  const { challenge } = await pkce();
  let url = authorizeUrl({ clientId, challenge });
  if (origin)
    url = url
      .replace("https://mcp.example.com", origin)
      .replace(/resource=[^&]*/, `resource=${encodeURIComponent(`${origin}/mcp`)}`);
  const page = await browser.fetch(url);
  expect(page.status).toBe(200);
  return { url, handle: handleFrom(await page.text()) };
}

describe("point 1: the sign-in throttle holds under concurrency", () => {
  it("120 wrong guesses sent at once from one address: exactly 5 are evaluated, the rest refused unevaluated", async () => {
    const browser = new Browser();
    const { url, handle } = await openPage(browser, undefined, "https://burst.example.com");
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        postConsent(browser, url, { handle, decision: "approve", passphrase: `wrong guess ${i}` }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    const evaluated = statuses.filter((s) => s === 403).length;
    expect(evaluated).toBe(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(115);
    expect(answers.every((r) => r.headers.get("Location") === null)).toBe(true);
    // Now even the right passphrase is not looked at from this address…
    const right = await postConsent(browser, url, { handle, decision: "approve", passphrase: PASSPHRASE });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("Retry-After"))).toBeGreaterThan(0);
    // …while another address signs in.
    expect((await consent(new Browser(), (await openPage(new Browser())).url)).status).toBe(302);
  });

  it("a right passphrase gives its slot back: the owner is never throttled by their own sign-ins", async () => {
    const browser = new Browser();
    for (let i = 0; i < 7; i++) {
      const { url, handle } = await openPage(browser);
      const answer = await postConsent(browser, url, { handle, decision: "approve", passphrase: PASSPHRASE });
      expect(answer.status).toBe(302);
    }
  });

  it("the passphrase is evaluated only inside a consent transaction of this browser: right and wrong look the same", async () => {
    const browser = new Browser();
    const { url } = await openPage(browser);
    const attacker = new Browser();
    const answers = [];
    for (const passphrase of [PASSPHRASE, "wrong", PASSPHRASE, "wrong"]) {
      // A bare POST, and one with a made-up handle: no binding cookie in this browser.
      answers.push(
        await attacker.fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ decision: "approve", passphrase }),
        }),
      );
      answers.push(await postConsent(attacker, url, { handle: "A".repeat(43), decision: "approve", passphrase }));
    }
    const bodies = await Promise.all(answers.map(async (r) => `${r.status} ${await r.text()}`));
    expect(new Set(bodies).size).toBe(1);
    expect(answers[0]!.status).toBe(400);
    // None of them was counted: the attacker's address still has all 5 evaluations.
    const { url: own, handle } = await openPage(attacker, undefined, "https://bare-post.example.com");
    const wrong = await Promise.all(
      Array.from({ length: 5 }, () => postConsent(attacker, own, { handle, decision: "approve", passphrase: "x" })),
    );
    expect(wrong.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
  });
});

describe("point 1: a weak AUTH_PASSPHRASE is refused outside localhost", () => {
  it.each([["hunter2"], ["fifteen chars!!"], ["change-me-to-something-long-and-random"]])(
    "%s: a 503 page that says how to make a good one",
    async (weak) => {
      const vars = { AUTH_PASSPHRASE: weak };
      const { client_id: clientId } = await register({}, vars);
      const { challenge } = await pkce();
      const browser = new Browser(vars);
      const page = await browser.fetch(authorizeUrl({ clientId, challenge }));
      expect(page.status).toBe(503);
      const html = await page.text();
      expect(html).toContain("openssl rand -base64 24");
      expect(html).toContain("wrangler secret put AUTH_PASSPHRASE");
      expect(html).not.toContain(weak);
      expect(html).not.toContain('name="handle"');
    },
  );

  it("16 characters are accepted", async () => {
    const vars = { AUTH_PASSPHRASE: "sixteen chars ok" };
    const { client_id: clientId } = await register({}, vars);
    const { challenge } = await pkce();
    const browser = new Browser(vars);
    const url = authorizeUrl({ clientId, challenge });
    expect((await consent(browser, url, { decision: "approve", passphrase: "sixteen chars ok" })).status).toBe(302);
  });
});

describe("point 6: development approval needs the code from the terminal, whatever the request claims", () => {
  it("Host: localhost, CF-Connecting-IP: 127.0.0.1 and X-Forwarded-For: 127.0.0.1 approve nothing without the code", async () => {
    const local = "http://localhost:8787";
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const vars = {};
    const { client_id: clientId } = await register({}, vars);
    const { challenge } = await pkce();
    const url = new URL(authorizeUrl({ clientId, challenge, resource: `${local}/mcp` }));
    const target = `${local}/authorize${url.search}`;
    const browser = new Browser(vars);
    const page = await browser.fetch(target, { headers: { "CF-Connecting-IP": "127.0.0.1" } });
    expect(page.status).toBe(200);
    const handle = handleFrom(await page.text());
    const spoofed = await postConsent(browser, target, { handle, decision: "approve" });
    expect(spoofed.status).toBe(403);
    const guessed = await postConsent(browser, target, { handle, decision: "approve", code: "AAAAA-AAAAA" });
    expect(guessed.status).toBe(403);
    expect(guessed.headers.get("Location")).toBeNull();
    expect(() => codeFrom(guessed)).toThrow();
  });
});
