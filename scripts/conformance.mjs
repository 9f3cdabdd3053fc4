#!/usr/bin/env node
// Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against this Worker
// served by `wrangler dev` with MCP_AUTH=none, then stops the server. Exits 1 if a scenario fails.
//
//   npm run conformance                      # on free ports the OS picks
//   npm run conformance -- --port 8801       # on a port of your choice (inspector: port + 1000)
import { spawn } from "node:child_process";
import { bin, root, startWranglerDev } from "./lib/wrangler-dev.mjs";

const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "resources-list",
  "prompts-list",
  "dns-rebinding-protection",
];
const SCENARIO_TIMEOUT_MS = 120_000;

const portArg = process.argv.indexOf("--port");
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : undefined;
if (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535)) {
  console.error(`--port needs a port number, got "${process.argv[portArg + 1]}"`);
  process.exit(2);
}

console.log(`Starting wrangler dev (MCP_AUTH=none)${port ? ` on port ${port}` : ""}…`);
let server;
try {
  server = await startWranglerDev({ vars: { MCP_AUTH: "none" }, port, inspectorPort: port && port + 1000 });
} catch (error) {
  console.error(`\n${error.message}`);
  process.exit(1);
}
const url = `${server.origin}/mcp`;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await server.stop();
    process.exit(130);
  });
}

const results = [];
try {
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
  if (server.log()) console.error(`\nwrangler dev said:\n${server.log()}`);
  await server.stop();
  process.exit(1);
}
await server.stop();

console.log("\nConformance results");
for (const { scenario, ok, summary } of results) {
  console.log(`  ${ok ? "PASS" : "FAIL"}  ${scenario.padEnd(26)} ${summary}`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(
  failed ? `\n${failed} of ${results.length} scenarios failed.` : `\nAll ${results.length} scenarios passed.`,
);
process.exit(failed ? 1 : 0);

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
