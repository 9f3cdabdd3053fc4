#!/usr/bin/env node
// Builds the upload exactly as `wrangler deploy` would (a dry run: nothing leaves the machine),
// serves that built bundle, not the source, with `wrangler dev --no-bundle` on a loopback port, and
// walks it as a client would: the landing page, the server card, the OAuth flow from a bare 401 to
// a token (development mode: no passphrase on localhost, so the one-time code the server prints),
// then initialize and tools/list with the
// token. The tests run the source in workerd; only the bundle carries the build-time settings
// (minify, keep_names, [alias] stubs, compatibility flags), and this is the check that they hold.
//
//   npm run smoke:bundle                       # builds into dist/ and serves on a free port
//   npm run smoke:bundle -- --outdir /tmp/out  # somewhere else
//
// Exits 1 at the first step that fails, printing what wrangler said.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { json, mcpCall, signIn } from "./lib/oauth-client.mjs";
import { freePort } from "./lib/wrangler-dev.mjs";

const READY_TIMEOUT_MS = 60_000;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const { values } = parseArgs({ options: { outdir: { type: "string", default: "dist" } } });
const outdir = resolve(root, values.outdir);
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };
const started = Date.now();
const say = (text) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`);

const build = await run([wrangler, "deploy", "--dry-run", "--outdir", outdir]);
if (build.code !== 0) fail(`wrangler deploy --dry-run exited with ${build.code}`, build.output);
const upload = /Total Upload: ([\d.]+ KiB \/ gzip: [\d.]+ KiB)/.exec(build.output)?.[1];
say(`built ${join(values.outdir, "index.js")}${upload ? ` (${upload})` : ""}`);

const port = await freePort();
const inspectorPort = await freePort();
const state = await mkdtemp(join(tmpdir(), "smoke-bundle-"));
const base = `http://localhost:${port}`;
// The default configuration (MCP_AUTH=oauth, passphrase sign-in) with no passphrase, whatever a
// local .dev.vars says: on localhost that is development mode, where consent needs the one-time
// code the Worker prints in this server's log.
const server = spawn(
  process.execPath,
  [
    wrangler,
    "dev",
    join(outdir, "index.js"),
    "--no-bundle",
    // Named, not found: wrangler looks for the config beside the script, which the outdir lacks.
    "--config",
    join(root, "wrangler.toml"),
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    state,
    "--var",
    "MCP_AUTH:oauth",
    "--var",
    "AUTH_IDENTITY:passphrase",
    "--var",
    "AUTH_PASSPHRASE:",
    "--log-level",
    "warn",
  ],
  // Its own process group, so stopping it also stops the workerd it starts.
  { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
);
let serverLog = "";
server.stdout.on("data", (chunk) => (serverLog += chunk));
server.stderr.on("data", (chunk) => (serverLog += chunk));
process.on("exit", () => signalServer("SIGKILL"));

try {
  await waitUntilReady();
  say(`serving the bundle at ${base}`);

  const landing = await fetch(`${base}/`, { headers: { Accept: "text/html" } });
  const page = await landing.text();
  if (landing.status !== 200 || !page.includes(`${base}/mcp`)) {
    throw new Error(`GET / answered ${landing.status}: ${page.slice(0, 200)}`);
  }
  const card = await json(await fetch(`${base}/.well-known/mcp/server-card.json`), 200, "server card");
  if (card.authentication?.required !== true) throw new Error("the card does not say that sign-in is required");
  say(`landing page and server card (${card.tools?.length ?? 0} tools) answer`);

  const session = await signIn(base, "", { clientName: "smoke-bundle", devCode: printedCode });
  if (!session) throw new Error(`POST ${base}/mcp without a token was not refused with 401`);
  say(`OAuth: 401, discovery, registration, consent, code exchange → token with scope "${session.scope}"`);

  const init = await json(
    await mcpCall(session.mcpUrl, session.accessToken, {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "smoke-bundle", version: "1" } },
    }),
    200,
    "initialize",
  );
  if (!init.result?.serverInfo?.name) throw new Error(`initialize answered ${JSON.stringify(init).slice(0, 200)}`);
  // Whatever tools the build has (a fork may have none yet: then no `tools` capability, and
  // tools/list is no method of the server). The tests check what the tools do.
  let listed = "no tools capability";
  if (init.result.capabilities?.tools) {
    const list = await json(
      await mcpCall(session.mcpUrl, session.accessToken, { jsonrpc: "2.0", id: 2, method: "tools/list" }),
      200,
      "tools/list",
    );
    if (!Array.isArray(list.result?.tools))
      throw new Error(`tools/list answered ${JSON.stringify(list).slice(0, 200)}`);
    listed = list.result.tools.map((t) => t.name).join(", ") || "(none)";
  }
  say(`initialize: ${init.result.serverInfo.name} ${init.result.serverInfo.version}; tools/list: ${listed}`);
} catch (error) {
  await stopServer();
  fail(error instanceof Error ? error.message : String(error), serverLog);
}
await stopServer();
await rm(state, { recursive: true, force: true });
say("OK: the built bundle serves pages, OAuth and MCP");

/** Development mode's one-time code, from what the server printed (it prints it with the page). */
async function printedCode() {
  for (let i = 0; i < 40; i++) {
    const code = /Development sign-in code[^:]*: ([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(serverLog)?.[1];
    if (code) return code;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

function fail(message, log) {
  console.error(`FAILED: ${message}`);
  if (log?.trim()) console.error(`\nwrangler said:\n${log}`);
  process.exit(1);
}

function run(args) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolveRun({ code: code ?? 1, output }));
  });
}

async function waitUntilReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited with code ${server.exitCode}`);
    try {
      const response = await fetch(`${base}/.well-known/mcp/server-card.json`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Stops wrangler and its workerd (its process group), waiting until they are gone. */
async function stopServer() {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, "exit");
  signalServer("SIGTERM");
  const timeout = new Promise((r) => setTimeout(r, 10_000, "timeout").unref());
  if ((await Promise.race([exited, timeout])) === "timeout") signalServer("SIGKILL");
}

function signalServer(signal) {
  if (server.exitCode !== null || server.signalCode !== null) return;
  try {
    process.kill(-server.pid, signal);
  } catch {}
}
