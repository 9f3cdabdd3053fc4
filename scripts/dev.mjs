#!/usr/bin/env node
// `npm run dev`: `wrangler dev`, every argument passed on (`npm run dev -- --port 8788`), in this
// terminal as it is. Once the server answers, it opens the consent page once, unseen: in
// development mode (OAuth on, no AUTH_PASSPHRASE, served on localhost) the Worker then prints its
// one-time sign-in code here at start, instead of only when a client first opens that page
// (src/template/auth/identity/passphrase.ts). The Worker makes and prints the code; this script
// never reads it. With a passphrase, MCP_AUTH=none or --remote nothing is printed.
//
// Wrangler picks the first free port from 8787 when none is given; this does the same and passes
// it on, so it knows where to ask.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const READY_TIMEOUT_MS = 120_000;

const args = process.argv.slice(2);
const given = option("port") ?? configuredPort();
const port = given ?? (await firstFreePort(8787, 10));
const wrangler = spawn(
  process.execPath,
  [
    join(root, "node_modules", "wrangler", "bin", "wrangler.js"),
    "dev",
    ...args,
    ...(given ? [] : ["--port", String(port)]),
  ],
  { cwd: root, stdio: "inherit" },
);
// Ctrl-C reaches wrangler from the terminal itself; other signals are passed on. This script ends
// when wrangler does, with its exit code.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => wrangler.kill(signal));
wrangler.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

if (!args.includes("--remote")) await showSignInCode();

/** Waits for the server, then asks for the consent page once (its answer does not matter). */
async function showSignInCode() {
  const ip = option("ip");
  const host = !ip || ["0.0.0.0", "::", "*"].includes(ip) ? "localhost" : ip.includes(":") ? `[${ip}]` : ip;
  const origin = `${option("local-protocol") ?? "http"}://${host}:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (wrangler.exitCode === null && Date.now() < deadline) {
    try {
      const response = await fetch(`${origin}/authorize`, { signal: AbortSignal.timeout(10_000) });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** `--name value` or `--name=value` among the arguments. */
function option(name) {
  for (const [i, arg] of args.entries()) {
    if (arg === `--${name}`) return args[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/** `port` in wrangler.toml's [dev] section, when a fork set one (and no other config is given). */
function configuredPort() {
  if (option("config") || args.includes("-c")) return undefined;
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  const dev = /^\[dev\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? "";
  return /^\s*port\s*=\s*(\d+)/m.exec(dev)?.[1];
}

async function firstFreePort(from, count) {
  for (let port = from; port < from + count; port++) if (await isFree(port)) return port;
  return from;
}

function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "localhost", () => probe.close(() => resolve(true)));
  });
}
