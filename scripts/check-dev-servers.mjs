#!/usr/bin/env node
// Two `wrangler dev` from one checkout, as the README runs them (the Worker with OAuth, and an open
// copy beside it on another port), both keep answering while their sources change. Each server
// rebuilds (wrangler.toml [build]: scripts/registry.mjs, scripts/views.mjs) on every change under
// src/, both at once into the same dist/views/ and the same generated registry; a build that fails
// leaves wrangler holding every request until a later one succeeds. So this:
//   1. starts both on free loopback ports;
//   2. several times: rewrites a watched source (a view's page if there is one, else
//      src/server/info.ts) with its own content, waits until both have rebuilt, and asks each for
//      its landing page and an MCP ping, each within a deadline;
//   3. adds a view that cannot build: both must keep answering, and their logs must say which view
//      failed and why; then removes it.
// Exits 1 naming the server and round that failed. Everything it writes under src/ is restored
// (the rewritten file keeps its content; the broken view is deleted), even on failure.
//
//   npm run check:dev-servers
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

const restore = () => {
  writeFileSync(touched, original);
  rmSync(hadApps ? broken : apps, { recursive: true, force: true });
};
process.on("exit", restore);

const servers = [];
let failed = false;
try {
  const [withOAuth, open] = await Promise.all([
    startWranglerDev({ logLevel: "log" }),
    startWranglerDev({ vars: { MCP_AUTH: "none" }, logLevel: "log" }),
  ]);
  servers.push({ name: "wrangler dev (OAuth)", ...withOAuth }, { name: "wrangler dev (MCP_AUTH=none)", ...open });
  console.log(
    `two dev servers: ${withOAuth.origin} (OAuth) and ${open.origin} (open); touching ${touched.slice(root.length + 1)}`,
  );

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
} catch (error) {
  failed = true;
  console.error(`✘ ${error.message}`);
} finally {
  restore();
  await Promise.all(servers.map((s) => s.stop()));
}
process.exit(failed ? 1 : 0);

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
