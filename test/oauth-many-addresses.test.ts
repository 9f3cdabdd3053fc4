import { env, listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  authorizeUrl,
  Browser,
  consent,
  handleFrom,
  PASSPHRASE,
  pkce,
  postConsent,
  register,
  TEST_CLIENT,
  withPassphrase,
} from "./helpers/oauth.js";
import { fetchWorker } from "./helpers/worker.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

// Each test has a server origin of its own, so its server-wide counters are its own.
let servers = 0;
const newServer = () => `https://server${++servers}.many-addresses.example`;

/** `count` addresses of one IPv6 /48, each in its own /64 and spread over its /56s. */
function addressesOfOne48(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `2001:db8:aaaa:${((i * 0x0101) & 0xffff).toString(16)}::${i + 1}`);
}

/** `perNetwork` addresses in each of `networks` IPv4 /24s (from 10.0.0.0/8, one /24 per network). */
function ipv4Networks(networks: number, perNetwork: number): string[][] {
  return Array.from({ length: networks }, (_, n) =>
    Array.from({ length: perNetwork }, (_, a) => `10.${(n >> 8) & 255}.${n & 255}.${a + 1}`),
  );
}

function registerFrom(origin: string, ip: string, vars: Parameters<typeof fetchWorker>[2] = withPassphrase) {
  return fetchWorker(
    `${origin}/oauth/register`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
      body: JSON.stringify(TEST_CLIENT),
    },
    vars,
  );
}

/** An authorization request of a client registered elsewhere, as served by `origin`. */
async function requestAt(origin: string): Promise<string> {
  const { client_id: clientId } = await register();
  const { challenge } = await pkce();
  return authorizeUrl({ clientId, challenge, resource: `${origin}/mcp` }).replace("https://mcp.example.com", origin);
}

/** A browser at `ip` that opened the consent page for `url`: a wrong guess (or a right one) is one post. */
async function pageFrom(url: string, ip: string) {
  const browser = new Browser(withPassphrase, ip);
  const page = await browser.fetch(url);
  expect(page.status).toBe(200);
  const handle = handleFrom(await page.text());
  return {
    browser,
    answer: (passphrase: string) => postConsent(browser, url, { handle, decision: "approve", passphrase }),
  };
}

async function messageOf(response: Response): Promise<string> {
  const type = response.headers.get("Content-Type") ?? "";
  return type.includes("json")
    ? ((await response.json()) as { error_description: string }).error_description
    : response.text();
}

describe("an attacker holding a whole IPv6 /48 spends one network's share", () => {
  it("40 of its /64s guessing: 20 guesses evaluated in all, then 429 'from your network'; the owner elsewhere signs in", {
    timeout: 60_000,
  }, async () => {
    const url = await requestAt(newServer());
    const attackers = await Promise.all(addressesOfOne48(40).map((ip) => pageFrom(url, ip)));
    const answers = await Promise.all(attackers.flatMap((a) => [a.answer("guess 1"), a.answer("guess 2")]));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 403)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("Too many passphrase attempts from your network (at most");

    // The owner, from another network, in a browser that never signed in here.
    const owner = await pageFrom(url, "2001:db8:bbbb::1");
    expect((await owner.answer(PASSPHRASE)).status).toBe(302);
  });

  it("100 of its /64s registering: 30 registrations in all, then 429 'from your network'; others register", async () => {
    const origin = newServer();
    const answers = await Promise.all(addressesOfOne48(100).map((ip) => registerFrom(origin, ip)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(30);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(70);
    expect(await messageOf(refused[0]!)).toBe(
      "Too many registrations from your network (at most 30 an hour). Try again in 60 minutes.",
    );
    expect(Number(refused[0]!.headers.get("Retry-After"))).toBeGreaterThan(3500);

    for (const outsider of ["2001:db8:cccc::1", "192.0.2.1"]) {
      expect((await registerFrom(origin, outsider)).status).toBe(201);
    }
  });
});

describe("an attacker holding 200 to 300 IPv4 addresses across 100 networks cannot shut others out", () => {
  it("registrations: the attacker gets its networks' shares and no more; a newcomer still registers", {
    timeout: 120_000,
  }, async () => {
    const origin = newServer();
    const networks = ipv4Networks(100, 2);
    // Each address tries 3: the addresses' (10) and the networks' (30) limits never bind, the server's does.
    let created = 0;
    const messages = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(networks.flat().map((ip) => registerFrom(origin, ip)));
      created += answers.filter((r) => r.status === 201).length;
      for (const r of answers.filter((r) => r.status === 429))
        messages.add((await messageOf(r)).replace(/\d+ minutes/, "N minutes"));
      expect(answers.every((r) => r.status === 201 || r.status === 429)).toBe(true);
    }
    // 500 in the hour from anyone, then only networks that have not registered yet: at most 600.
    expect(created).toBeGreaterThanOrEqual(500);
    expect(created).toBeLessThanOrEqual(600);
    expect([...messages]).toEqual([
      "Too many registrations on this server from many networks. Try again in N minutes.",
    ]);

    // A network the attacker does not hold: its first registration of the hour goes through.
    expect((await registerFrom(origin, "203.0.113.7")).status).toBe(201);
    expect((await registerFrom(origin, "2001:db8:dddd::7")).status).toBe(201);
  });

  it("passphrase guesses: at most 100 evaluated in 15 minutes from all of them; the owner's browser still signs in", {
    timeout: 120_000,
  }, async () => {
    const url = await requestAt(newServer());
    // The owner signed in here before, in this browser (it now holds the device cookie).
    const owner = new Browser(withPassphrase, "192.0.2.10");
    expect((await consent(owner, url)).status).toBe(302);
    expect([...owner.cookies.keys()]).toContain("__Host-mcp-device");

    let evaluated = 0;
    const networks = ipv4Networks(100, 3);
    // Ten networks at a time: in whatever order they come, the server's 100 fill up.
    for (let chunk = 0; chunk < networks.length; chunk += 10) {
      const pages = await Promise.all(
        networks
          .slice(chunk, chunk + 10)
          .flat()
          .map((ip) => pageFrom(url, ip)),
      );
      const answers = await Promise.all(pages.flatMap((p) => [p.answer("a"), p.answer("b")]));
      evaluated += answers.filter((r) => r.status === 403).length;
    }
    expect(evaluated).toBe(100);

    // A browser that never signed in here, from yet another network, waits: the 429 says why.
    const stranger = await pageFrom(url, "198.51.100.200");
    const waits = await stranger.answer(PASSPHRASE);
    expect(waits.status).toBe(429);
    expect(Number(waits.headers.get("Retry-After"))).toBeGreaterThan(0);
    const text = await waits.text();
    expect(text).toContain("Too many passphrase attempts on this server from many networks.");
    expect(text).toContain("A browser that has signed in here before is not held back.");

    // The owner's browser, even from an address it never used, is counted on its own.
    owner.ip = "198.51.100.201";
    expect((await consent(owner, url)).status).toBe(302);
  });
});

describe("a browser that signed in before: trusted past the anonymous limits, with a small budget of its own", () => {
  it("10 wrong passphrases from it, then 429 'from this browser'; a forged or foreign cookie is a stranger's", {
    timeout: 60_000,
  }, async () => {
    const url = await requestAt(newServer());
    const owner = new Browser(withPassphrase, "172.16.0.20");
    expect((await consent(owner, url)).status).toBe(302);
    const device = owner.cookies.get("__Host-mcp-device")!;
    expect(device).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);

    // Its address's own limit (5) does not apply to it: 10 wrong guesses are evaluated.
    const page = await owner.fetch(url);
    const handle = handleFrom(await page.text());
    const wrong = await Promise.all(
      Array.from({ length: 12 }, () => postConsent(owner, url, { handle, decision: "approve", passphrase: "typo" })),
    );
    expect(wrong.map((r) => r.status).sort()).toEqual([...Array<number>(10).fill(403), 429, 429]);
    const held = wrong.find((r) => r.status === 429)!;
    expect(await held.text()).toContain("Too many passphrase attempts from this browser (at most 10 per 15 minutes)");

    // A cookie with a forged signature, or one signed with another secret, trusts nothing. (The
    // signature's first character is changed: its last carries spare bits, see the next test.)
    const forged = device.replace(
      /\.([A-Za-z0-9_-])([A-Za-z0-9_-]{42})$/,
      (_, c: string, rest: string) => `.${c === "A" ? "B" : "A"}${rest}`,
    );
    const otherSecret = { AUTH_PASSPHRASE: "another server's passphrase" };
    for (const [cookie, vars, ip] of [
      [forged, withPassphrase, "172.16.1.21"],
      [device, otherSecret, "172.16.2.21"],
    ] as const) {
      const stranger = new Browser(vars, ip);
      stranger.cookies.set("__Host-mcp-device", cookie);
      const page = await stranger.fetch(url);
      const h = handleFrom(await page.text());
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          postConsent(stranger, url, { handle: h, decision: "approve", passphrase: "x" }),
        ),
      );
      // The address's 5, like anyone's (all six statuses, so a failure says what came instead).
      expect(answers.map((r) => r.status).sort()).toEqual([403, 403, 403, 403, 403, 429]);
      expect(await answers.find((r) => r.status === 429)!.text()).toContain("from your address");
    }
  });

  it("a cookie spelled differently (its signature's spare bits set) is a stranger's, not a second key", async () => {
    const url = await requestAt(newServer());
    const owner = new Browser(withPassphrase, "172.16.3.20");
    expect((await consent(owner, url)).status).toBe(302);
    const device = owner.cookies.get("__Host-mcp-device")!;
    // 32 bytes in 43 characters: the last one's two low bits are spare, and zero as written.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(device.at(-1)!);
    expect(last % 4).toBe(0);
    const alias = device.slice(0, -1) + alphabet[last + 1];

    const stranger = new Browser(withPassphrase, "172.16.4.21");
    stranger.cookies.set("__Host-mcp-device", alias);
    const page = await stranger.fetch(url);
    const handle = handleFrom(await page.text());
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => postConsent(stranger, url, { handle, decision: "approve", passphrase: "x" })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([403, 403, 403, 403, 403, 429]);
    expect(await answers.find((r) => r.status === 429)!.text()).toContain("from your address");
  });

  it("the cookie is __Host-, Secure, HttpOnly, and re-issued on each sign-in", async () => {
    const url = await requestAt(newServer());
    const browser = new Browser();
    const first = await consent(browser, url);
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith("__Host-mcp-device="))!;
    expect(cookie).toMatch(/; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=2592000$/);
    const before = browser.cookies.get("__Host-mcp-device");
    await consent(browser, await requestAt(newServer()));
    expect(browser.cookies.get("__Host-mcp-device")).not.toBe(before);
  });
});

describe("429s say which limit was met", () => {
  it("registrations: 'from your address' past 10 from one address, 'from your network' past 30 from a /24", async () => {
    const origin = newServer();
    const one = await Promise.all(Array.from({ length: 11 }, () => registerFrom(origin, "172.17.0.50")));
    expect(one.filter((r) => r.status === 201)).toHaveLength(10);
    const byAddress = one.find((r) => r.status === 429)!;
    expect(await messageOf(byAddress)).toBe(
      "Too many registrations from your address (at most 10 an hour). Try again in 60 minutes.",
    );

    const block = await Promise.all(Array.from({ length: 30 }, (_, i) => registerFrom(origin, `172.17.0.${100 + i}`)));
    // The /24 has 30 an hour, 10 of them taken above.
    expect(block.filter((r) => r.status === 201)).toHaveLength(20);
    expect(await messageOf(block.find((r) => r.status === 429)!)).toContain("from your network");
  });
});

describe("loopback development is never locked out by the sign-up limit", () => {
  it("40 registrations from 127.0.0.1 to http://localhost (wrangler dev): all accepted", async () => {
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await registerFrom("http://localhost:8787", "127.0.0.1", {}));
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(201));
  });

  it("a loopback address calling a deployed origin is counted like any other", async () => {
    const answers = await Promise.all(Array.from({ length: 11 }, () => registerFrom(newServer(), "127.0.0.2")));
    expect(answers.filter((r) => r.status === 429)).toHaveLength(1);
  });
});

describe("the counters leave nothing behind once their window has passed", () => {
  it("an address seen once: its network's object deletes its storage when the alarm finds every window empty", async () => {
    const origin = newServer();
    expect((await registerFrom(origin, "172.18.0.77")).status).toBe(201);
    const id = env.RATE_LIMITER.idFromName("net:172.18.0.0/24");
    expect((await listDurableObjectIds(env.RATE_LIMITER)).map(String)).toContain(id.toString());
    const network = env.RATE_LIMITER.get(id);
    const keys = () => runInDurableObject(network, (_, state) => [...state.storage.kv.list()].map(([key]) => key));
    expect(await keys()).toEqual(["register 172.18.0.0/24", "register 172.18.0.77"]);

    // Within the hour the alarm keeps what is still counted…
    expect(await runDurableObjectAlarm(network)).toBe(true);
    expect(await keys()).toHaveLength(2);
    // …and once it has passed, nothing is left: no keys, no alarm.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3601 * 1000);
    expect(await runDurableObjectAlarm(network)).toBe(true);
    expect(await keys()).toEqual([]);
    expect(await runInDurableObject(network, (_, state) => state.storage.getAlarm())).toBeNull();
  });
});
