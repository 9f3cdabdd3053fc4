// Peers (`npm run bench -- --peers`): other ways to serve MCP from a Worker, side by side with
// this build in the same run. Each is installed from npm at the versions bench/config.mjs pins,
// into a scratch folder of its own outside the repository (os.tmpdir(): nothing there can resolve
// to the template's node_modules), never a dependency of the template; its Worker (bench/peers/<id>/)
// and the floors' one tool (bench/floors/temperature.js) are copied in, its framework's build step
// runs when it has one, and the project's wrangler bundles it with the template's compatibility
// settings and build options. A peer that cannot be installed, built or served is reported as such;
// the run goes on without it.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PEER_SHARED_PACKAGES, PEERS } from "../config.mjs";
import { buildWorker, run } from "./build.mjs";

/** A peer's server name in the bench. */
export const serverOf = (id) => `peer-${id}`;

const STAMP = ".bench-installed";

/**
 * @param compat the template's build metadata (compatibility date and flags), which every peer
 *   is built with, as the floors are
 * @returns id → { build, config, dir, packages } or { error }
 */
export async function buildPeers({ root, out, log, compat }) {
  const results = {};
  for (const [id, peer] of Object.entries(PEERS)) {
    const packages = { ...PEER_SHARED_PACKAGES, ...peer.packages };
    try {
      const dir = await install(id, packages, log);
      await cp(join(root, "bench", "peers", id), dir, { recursive: true });
      await cp(join(root, "bench", "floors", "temperature.js"), join(dir, "temperature.js"));
      if (peer.build === "xmcp") {
        log(`peer ${id}: xmcp build --cf…`);
        // The framework's own compiler writes worker.js; its telemetry is switched off (no traffic
        // leaves the machine).
        await run(process.execPath, [join(dir, "node_modules", "xmcp", "dist", "cli.js"), "build", "--cf"], dir, {
          XMCP_TELEMETRY_DISABLED: "true",
        });
      }
      const config = join(dir, "wrangler.toml");
      await writeFile(config, wranglerToml(id, compat));
      const build = await buildWorker({ root, out, config, name: `peer-${id}`, project: dir });
      log(
        `peer ${id}: upload ${(build.rawBytes / 1024).toFixed(1)} KiB, gzip ${(build.gzipBytes / 1024).toFixed(1)} KiB`,
      );
      results[id] = { build, config, dir, packages };
    } catch (error) {
      const reason = String(error?.message ?? error)
        .split("\n")
        .find((line) => /error|fail|cannot|could not/i.test(line));
      results[id] = {
        packages,
        error: (reason ?? String(error?.message ?? error).split("\n")[0]).trim().slice(0, 200),
      };
      log(`peer ${id} could not be built: ${results[id].error}`);
    }
  }
  return results;
}

/** The built peers as servers for serve(): free ports, no OAuth (none of them has it here). */
export function peerServers({ root, peers }) {
  return Object.fromEntries(
    Object.entries(peers)
      .filter(([, p]) => p.build)
      .map(([id, p]) => [
        serverOf(id),
        {
          port: 0,
          vars: {},
          build: p.build,
          root, // whose wrangler reads the config
          config: p.config,
          peer: id,
          eras: ["legacy", "modern"], // what it really speaks is found by the smoke test
          auth: "open",
          kind: "reference",
        },
      ]),
  );
}

/** Cold-start targets: each working peer's module evaluation, and its first /mcp per era it speaks. */
export function peerColdTargets({ peers, requests, coldTarget }) {
  const targets = {};
  for (const [id, p] of Object.entries(peers)) {
    if (!p.build || p.error) continue;
    // Optional: a peer that fails here is reported, the run goes on.
    targets[`${serverOf(id)}-startup`] = {
      build: p.build,
      request: null,
      check: (text) => text === "evaluated",
      optional: true,
    };
    for (const era of ["legacy", "modern"]) {
      const recorded = requests[serverOf(id)]?.[era];
      if (recorded) targets[`${serverOf(id)}-${era}`] = { ...coldTarget(p.build, recorded), optional: true };
    }
  }
  return targets;
}

/**
 * The peers' figures beside this build's, row by row: upload, startup, cold first /mcp per era,
 * tools/list and tools/call CPU per request per era (no auth). Each cell: the figure and its
 * ratio to this build's (× this build); undefined where a peer does not do what the row measures.
 */
export function peerRows(r, { eras, ops }) {
  const ids = Object.keys(r.peers);
  const rows = [];
  const row = (name, unit, current, value) => {
    const cell = (v) =>
      v === undefined || Number.isNaN(v) ? undefined : { value: v, ratio: current ? v / current : undefined };
    rows.push({
      name,
      unit,
      current: current === undefined ? undefined : { value: current },
      peers: Object.fromEntries(ids.map((id) => [id, r.peers[id].error ? undefined : cell(value(id))])),
    });
  };
  const kib = (bytes) => bytes / 1024;
  row("upload, raw", "KiB", kib(r.bundle.rawBytes), (id) => r.peers[id].bundle && kib(r.peers[id].bundle.rawBytes));
  row("upload, gzip", "KiB", kib(r.bundle.gzipBytes), (id) => r.peers[id].bundle && kib(r.peers[id].bundle.gzipBytes));
  const cpu = (key) => r.cold[key]?.medianCpuMs;
  row("startup CPU", "ms", cpu("startup"), (id) => cpu(`${serverOf(id)}-startup`));
  for (const era of Object.keys(eras))
    row(`cold first /mcp, no auth, ${eras[era]}`, "ms", cpu(era), (id) => cpu(`${serverOf(id)}-${era}`));
  for (const op of Object.keys(ops)) {
    for (const era of Object.keys(eras)) {
      const find = (server) => r.scenarios.find((s) => s.server === server && s.op === op && s.era === era);
      row(
        `${ops[op]} CPU/req, no auth, ${eras[era]}`,
        "µs",
        find("open")?.serverCpuUsPerReq,
        (id) => find(serverOf(id))?.serverCpuUsPerReq,
      );
    }
  }
  const failures = (server) =>
    r.scenarios.filter((s) => s.server === server).reduce((n, s) => n + s.errors + s.non2xx, 0);
  rows.push({
    name: "errors and non-2xx under load",
    unit: "",
    current: { value: failures("open") },
    peers: Object.fromEntries(ids.map((id) => [id, r.peers[id].error ? undefined : { value: failures(serverOf(id)) }])),
  });
  return rows;
}

/** The peer's scratch folder with its packages installed; reused while the pins are unchanged. */
async function install(id, packages, log) {
  const manifest = { name: `bench-peer-${id}`, private: true, type: "module", dependencies: packages };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 12);
  const dir = join(tmpdir(), "mcp-worker-bench-peers", `${id}-${hash}`);
  if (existsSync(join(dir, STAMP))) return dir;
  log(
    `peer ${id}: npm install ${Object.entries(packages)
      .map(([name, version]) => `${name}@${version}`)
      .join(" ")}…`,
  );
  // Installed beside its final place and moved there when complete: an interrupted install is
  // never mistaken for a finished one.
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    await writeFile(join(partial, "package.json"), text);
    // No install scripts: nothing a peer needs here is built by one.
    await run(npm(), ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], partial);
    await writeFile(join(partial, STAMP), `${hash}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  // The installs of this peer's earlier pins (about 20-120 MB each) are not needed any more.
  for (const entry of await readdir(dirname(dir))) {
    if (
      entry.startsWith(`${id}-`) &&
      /^[0-9a-f]{12}$/.test(entry.slice(id.length + 1)) &&
      join(dirname(dir), entry) !== dir
    )
      await rm(join(dirname(dir), entry), { recursive: true, force: true });
  }
  return dir;
}

/** The template's compatibility settings and build options, so peers are compared like for like. */
function wranglerToml(id, compat) {
  return `# Peer \`${id}\`, written by bench/lib/peers.mjs: the template's compatibility settings and build options.
name = "peer-${id}"
main = "worker.js"
compatibility_date = ${JSON.stringify(compat.compatibility_date)}
compatibility_flags = ${JSON.stringify(compat.compatibility_flags ?? [])}
minify = true
keep_names = false
`;
}

function npm() {
  return process.platform === "win32" ? "npm.cmd" : "npm";
}
