#!/usr/bin/env node
// Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against this Worker
// served by `wrangler dev` with MCP_AUTH=none, then stops the server. Exits 1 if a scenario fails.
//
//   npm run conformance                      # on free ports the OS picks
//   npm run conformance -- --port 8801       # on a port of your choice (inspector: port + 1000)
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "resources-list",
  "prompts-list",
  "dns-rebinding-protection",
];
const READY_TIMEOUT_MS = 90_000;
const SCENARIO_TIMEOUT_MS = 120_000;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (pkg, file) => join(root, "node_modules", pkg, file);

const portArg = process.argv.indexOf("--port");
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : await freePort();
const inspectorPort = portArg > 0 ? port + 1000 : await freePort();
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`--port needs a port number, got "${process.argv[portArg + 1]}"`);
  process.exit(2);
}
const url = `http://localhost:${port}/mcp`;

console.log(`Starting wrangler dev (MCP_AUTH=none) on port ${port}…`);
const server = spawn(
  process.execPath,
  [
    bin("wrangler", "bin/wrangler.js"),
    "dev",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--var",
    "MCP_AUTH:none",
    "--log-level",
    "warn",
  ],
  // Its own process group, so stopping it also stops the workerd it starts.
  {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  },
);
let serverLog = "";
server.stdout.on("data", (chunk) => (serverLog += chunk));
server.stderr.on("data", (chunk) => (serverLog += chunk));

/** Stops wrangler and its workerd (its process group), waiting until they are gone. */
async function stopServer() {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, "exit");
  signalServer("SIGTERM");
  const timeout = new Promise((resolve) => setTimeout(resolve, 10_000, "timeout"));
  if ((await Promise.race([exited, timeout])) === "timeout") signalServer("SIGKILL");
}
function signalServer(signal) {
  try {
    process.kill(-server.pid, signal);
  } catch {}
}
// Last resort if this script dies first.
process.on("exit", () => server.exitCode === null && server.signalCode === null && signalServer("SIGKILL"));
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await stopServer();
    process.exit(130);
  });
}

const results = [];
try {
  await waitUntilReady();
  console.log(`Server ready at ${url}\n`);
  for (const scenario of SCENARIOS) {
    const { code, output } = await run(process.execPath, [
      bin("@modelcontextprotocol/conformance", "dist/index.js"),
      "server",
      "--url",
      url,
      "--scenario",
      scenario,
    ]);
    const summary = output.match(/Passed: (\d+)\/(\d+), (\d+) failed/);
    results.push({ scenario, ok: code === 0, summary: summary ? summary[0] : `exit code ${code}` });
  }
} catch (error) {
  console.error(`\n${error.message}`);
  if (serverLog) console.error(`\nwrangler dev said:\n${serverLog}`);
  await stopServer();
  process.exit(1);
}
await stopServer();

console.log("\nConformance results");
for (const { scenario, ok, summary } of results) {
  console.log(`  ${ok ? "PASS" : "FAIL"}  ${scenario.padEnd(26)} ${summary}`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(
  failed ? `\n${failed} of ${results.length} scenarios failed.` : `\nAll ${results.length} scenarios passed.`,
);
process.exit(failed ? 1 : 0);

/** A port nobody listens on right now (the OS picks it). */
async function freePort() {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address();
  probe.close();
  await once(probe, "close");
  return port;
}

async function waitUntilReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited with code ${server.exitCode}`);
    try {
      const response = await fetch(`http://localhost:${port}/`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`wrangler dev did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Runs a command, echoing its output, and resolves with its exit code and output. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const echo = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on("data", echo(process.stdout));
    child.stderr.on("data", echo(process.stderr));
    const timer = setTimeout(() => child.kill("SIGKILL"), SCENARIO_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}
