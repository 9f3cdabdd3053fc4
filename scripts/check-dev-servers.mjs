#!/usr/bin/env node
// The local development loop, as a new user meets it: two `wrangler dev` from one checkout, as the
// README runs them (`npm run dev`, with OAuth, and an open copy beside it on another port), both
// keep answering while their sources change. Each server rebuilds (wrangler.toml [build]:
// scripts/registry.mjs, scripts/views.mjs) on every change under src/, both at once into the same
// dist/views/ and the same generated registry; a build that fails leaves wrangler holding every
// request until a later one succeeds. So this:
//   1. starts both on free loopback ports, one after the other, the first as `npm run dev` does
//      (scripts/dev.mjs);
//   2. checks that `npm run dev` printed the development sign-in code at start, before any page
//      was opened, and that the code signs in (the whole OAuth flow, scripts/lib/oauth-client.mjs);
//      skipped when .dev.vars sets AUTH_PASSPHRASE (then there is no code);
//   3. several times: rewrites a watched source (a view's page if there is one, else
//      src/server/info.ts) with its own content, waits until both have rebuilt, and asks each for
//      its landing page and /mcp, each within a deadline;
//   4. adds a view that cannot build: both must keep answering, and their logs must say which view
//      failed and why; then removes it.
// Exits 1 naming the server and step that failed. Everything it writes under src/ is restored
// (the rewritten file keeps its content; the broken view is deleted), even on failure. The servers
// keep their state (KV, Durable Objects) in a temporary folder, not in this checkout's .wrangler/.
//
//   npm run check:dev-servers
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signIn } from "./lib/oauth-client.mjs";
import { root, startWranglerDev } from "./lib/wrangler-dev.mjs";

const ROUNDS = 4;
/** A rebuild (build command, bundle, reload) takes 2–10 s on a busy 2-core machine. */
const REBUILD_TIMEOUT_MS = 60_000;
/** A request that takes longer than this is a server holding requests after a failed build. */
const ANSWER_TIMEOUT_MS = 15_000;

const apps = join(root, "src", "server", "apps");
const view = existsSync(apps)
  ? readdirSync(apps, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(apps, d.name, "index.html")))
      .map((d) => join(apps, d.name, "index.html"))[0]
  : undefined;
const touched = view ?? join(root, "src", "server", "info.ts");
const original = readFileSync(touched);
const broken = join(apps, "zz_dev_check_broken_view");
const hadApps = existsSync(apps);

const state = mkdtempSync(join(tmpdir(), "mcp-dev-check-"));
const CODE = /Development sign-in code[^:]*: ([A-Z2-9]{5}-[A-Z2-9]{5})/g;

const restore = () => {
  writeFileSync(touched, original);
  rmSync(hadApps ? broken : apps, { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
};
process.on("exit", restore);

const servers = [];
let failed = false;
try {
  // One after the other, as from two terminals: started in the same instant on fresh state, the
  // two runtimes can collide creating their SQLite files (workerd: SQLITE_BUSY), which is theirs.
  const args = ["--persist-to", state];
  const withOAuth = await startWranglerDev({ args, logLevel: "log", viaNpmDev: true });
  servers.push({ name: "npm run dev (OAuth)", ...withOAuth });
  const open = await startWranglerDev({ args, vars: { MCP_AUTH: "none" }, logLevel: "log" });
  servers.push({ name: "wrangler dev (MCP_AUTH=none)", ...open });
  console.log(
    `two dev servers: ${withOAuth.origin} (OAuth) and ${open.origin} (open); touching ${touched.slice(root.length + 1)}`,
  );

  const devVars = join(root, ".dev.vars");
  if (/^\s*AUTH_PASSPHRASE\s*=\s*\S/m.test(existsSync(devVars) ? readFileSync(devVars, "utf8") : "")) {
    console.log("- .dev.vars sets AUTH_PASSPHRASE: no development code to check");
  } else {
    const atStart = await printedCode(servers[0], "at start");
    await signsIn(servers[0], "the code printed at start");
    const onPage = [...servers[0].log().matchAll(CODE)].at(-1)[1];
    if (onPage !== atStart) throw new Error(`the code printed at start (${atStart}) is not the page's (${onPage})`);
    console.log("✔ npm run dev printed the development sign-in code at start, and it signs in");
  }

  for (let round = 1; round <= ROUNDS; round++) {
    const before = servers.map(builds);
    writeFileSync(touched, original);
    await rebuilt(before, `round ${round}`);
    await answering(`round ${round}`);
    console.log(`✔ round ${round}: both rebuilt and answer`);
  }

  // A view that cannot build: the servers keep answering and say why.
  const before = servers.map(builds);
  mkdirSync(broken, { recursive: true });
  writeFileSync(join(broken, "view.ts"), "export const = ;\n");
  writeFileSync(join(broken, "index.html"), '<!doctype html><script type="module" src="./view.ts"></script>\n');
  await rebuilt(before, "a broken view");
  await answering("a broken view");
  for (const server of servers) {
    if (!/views: zz_dev_check_broken_view failed to build/.test(server.log())) {
      throw new Error(`${server.name} did not say the broken view failed to build:\n${tail(server.log())}`);
    }
  }
  console.log("✔ a view that fails to build: both say so and keep answering");
  const after = servers.map(builds);
  rmSync(broken, { recursive: true, force: true });
  await rebuilt(after, "the broken view removed");
  await answering("the broken view removed");
  console.log("✔ the broken view removed: both rebuilt and answer");

  // After reloads the code is a new one, printed again when the consent page opens.
  if (servers[0].log().match(CODE)) {
    await signsIn(servers[0], "the code printed after the reloads");
    console.log("✔ after the reloads, the code printed when the page opened signs in");
  }
} catch (error) {
  failed = true;
  console.error(`✘ ${error.message}`);
} finally {
  restore();
  await Promise.all(servers.map((s) => s.stop()));
}
process.exit(failed ? 1 : 0);

/** The development code the server printed last, once it has printed more than `seen` (30 s at most). */
async function printedCode(server, when, seen = 0) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const codes = [...server.log().matchAll(CODE)];
    if (codes.length > seen) return codes.at(-1)[1];
    if (Date.now() > deadline)
      throw new Error(`${server.name} printed no development code ${when}:\n${tail(server.log())}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The whole OAuth flow from a bare 401, approving with the code the server prints when the consent
 * page opens (the same one as at start, unless the server has reloaded since).
 */
async function signsIn(server, what) {
  const seen = [...server.log().matchAll(CODE)].length;
  try {
    const session = await signIn(server.origin, "", {
      clientName: "check-dev-servers",
      devCode: () => printedCode(server, "when the consent page opened", seen),
    });
    if (!session?.accessToken) throw new Error("no access token");
  } catch (error) {
    throw new Error(`${server.name}: signing in with ${what} failed: ${error.message}\n${tail(server.log())}`);
  }
}

/** How many builds a server has started, finished (and reloaded) and failed, from its log. */
function builds(server) {
  const log = server.log();
  return {
    started: count(log, /changed, restarting build/g),
    ready: count(log, /Local server updated and ready/g),
    failed: count(log, /Running custom build .* failed/g),
  };
}

function count(text, pattern) {
  return text.match(pattern)?.length ?? 0;
}

/**
 * Waits until every server has rebuilt and reloaded since `before`. A failed build is a failure
 * (wrangler then holds every request until a later build succeeds).
 */
async function rebuilt(before, when) {
  const deadline = Date.now() + REBUILD_TIMEOUT_MS;
  for (const [i, server] of servers.entries()) {
    for (;;) {
      const now = builds(server);
      if (now.failed > before[i].failed)
        throw new Error(`${server.name}: the build failed after ${when}:\n${tail(server.log())}`);
      if (now.started > before[i].started && now.ready > before[i].ready) break;
      if (Date.now() > deadline)
        throw new Error(`${server.name} did not rebuild after ${when}:\n${tail(server.log())}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Both servers answer their landing page and an MCP ping, each within ANSWER_TIMEOUT_MS. */
async function answering(when) {
  await Promise.all(
    servers.map(async (server) => {
      const ask = async (what, path, init) => {
        let response;
        try {
          response = await fetch(`${server.origin}${path}`, {
            ...init,
            signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
          });
        } catch (error) {
          const why = error.name === "TimeoutError" ? `no answer within ${ANSWER_TIMEOUT_MS / 1000} s` : error.message;
          throw new Error(`${server.name}: ${what} after ${when}: ${why}\n${tail(server.log())}`);
        }
        await response.arrayBuffer();
        return response.status;
      };
      const landing = await ask("GET /", "/", { headers: { Accept: "text/html" } });
      if (landing !== 200)
        throw new Error(`${server.name}: GET / after ${when} answered ${landing}\n${tail(server.log())}`);
      // The open server answers a ping; the one with OAuth the 401 that starts sign-in.
      const ping = await ask("POST /mcp", "/mcp", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
      if (ping !== 200 && ping !== 401) throw new Error(`${server.name}: POST /mcp after ${when} answered ${ping}`);
    }),
  );
}

function tail(log) {
  return log.split("\n").slice(-25).join("\n");
}
