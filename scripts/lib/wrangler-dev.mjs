// Starts this Worker under `wrangler dev` on loopback ports the OS picks, for scripts and tests
// that need it served for real (the conformance suite, the browser test of the app views).
// Listens on 127.0.0.1 only.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const READY_TIMEOUT_MS = 90_000;
export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const bin = (pkg, file) => join(root, "node_modules", pkg, file);

/**
 * `wrangler dev` with the given vars (e.g. { MCP_AUTH: "none" }) and further arguments (e.g.
 * ["-c", "test/conformance/wrangler.toml"]), resolved once it answers `/`. `stop()` ends wrangler
 * and the workerd it started; it also runs if this process exits first. `log()` is what it printed
 * so far (at `logLevel`: "log" includes its rebuilds). `viaNpmDev`: started as `npm run dev` starts it.
 */
export async function startWranglerDev({
  vars = {},
  args = [],
  port,
  inspectorPort,
  logLevel = "warn",
  viaNpmDev = false,
} = {}) {
  port ??= await freePort();
  inspectorPort ??= await freePort();
  const server = spawn(
    process.execPath,
    [
      // `npm run dev`'s script (scripts/dev.mjs), which passes every argument on to `wrangler dev`.
      ...(viaNpmDev ? [join(root, "scripts", "dev.mjs")] : [bin("wrangler", "bin/wrangler.js"), "dev"]),
      ...args,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      "--log-level",
      logLevel,
    ],
    // Its own process group, so stopping it also stops the workerd it starts.
    {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
  let log = "";
  server.stdout.on("data", (chunk) => (log += chunk));
  server.stderr.on("data", (chunk) => (log += chunk));

  const signal = (name) => {
    try {
      process.kill(-server.pid, name);
    } catch {}
  };
  const running = () => server.exitCode === null && server.signalCode === null;
  /** Stops wrangler and its workerd (its process group), waiting until they are gone. */
  const stop = async () => {
    if (!running()) return;
    const exited = once(server, "exit");
    signal("SIGTERM");
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000, "timeout"));
    if ((await Promise.race([exited, timeout])) === "timeout") signal("SIGKILL");
  };
  // Last resort if the caller dies first.
  process.on("exit", () => running() && signal("SIGKILL"));

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!running()) throw new Error(`wrangler dev exited with code ${server.exitCode}:\n${log}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { port, origin: `http://127.0.0.1:${port}`, stop, log: () => log };
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort() {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address();
  probe.close();
  await once(probe, "close");
  return port;
}
