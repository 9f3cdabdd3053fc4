// Serves the Workers under test (this build and the baseline, each with and without OAuth) and
// the do-nothing Worker the same way: one workerd process (the
// version `wrangler dev` uses, driven through Miniflare), each Worker on its own loopback socket
// that goes straight into its isolate. There is no dev proxy or router Worker in front (as there
// is with `wrangler dev`), so, as on Cloudflare, a request costs the runtime plus the Worker, and
// the ratio to the floor is the Worker's own overhead.

import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadMiniflare, wranglerModule } from "./paths.mjs";

const HOST = "127.0.0.1";

/**
 * @param servers name → { port, vars, build, root } for each Worker under test: the build
 *   (what buildWorker returned: modules, metadata from the upload form), the checkout it was built
 *   from (for its wrangler.toml), and vars that override its [vars]. Every Worker gets its own
 *   KV storage.
 */
export async function serve({ root, floorPort, servers, entryPort, inspectorPort }) {
  const { Miniflare, convertV4MiniflareOptions } = loadMiniflare(root);
  const floorScript = await readFile(new URL("../floor-worker.js", import.meta.url), "utf8");
  const first = Object.values(servers)[0].build.metadata;

  const workers = [
    {
      name: "floor",
      modules: true,
      script: floorScript,
      ...compatOf(first),
      unsafeDirectSockets: [{ host: HOST, port: floorPort }],
    },
  ];
  for (const [name, server] of Object.entries(servers)) {
    const meta = server.build.metadata;
    const { bindings, kvNamespaces } = convertBindings(meta.bindings ?? [], await kvBindingNames(server.root));
    workers.push({
      name,
      modulesRoot: "/",
      modules: server.build.modules.map((m) => ({ ...m, path: `/${m.path}` })),
      ...compatOf(meta),
      bindings: { ...bindings, ...server.vars },
      kvNamespaces: Object.fromEntries(Object.entries(kvNamespaces).map(([binding, id]) => [binding, `${name}-${id}`])),
      unsafeDirectSockets: [{ host: HOST, port: server.port }],
    });
  }

  const before = await workerdPids();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: HOST,
      port: entryPort,
      ...(inspectorPort ? { inspectorPort, inspectorHost: HOST } : {}),
      workers,
    }),
  );
  await mf.ready;
  const pid = (await workerdPids()).find((p) => !before.includes(p));

  return {
    floorUrl: `http://${HOST}:${floorPort}`,
    urls: Object.fromEntries(Object.entries(servers).map(([name, { port }]) => [name, `http://${HOST}:${port}`])),
    inspectorUrl: (name) => `ws://${HOST}:${inspectorPort}/core:user:${name}`,
    /** CPU time (user + system, ms) the workerd process has used so far; undefined if unknown. */
    cpuMs: () => (pid ? processCpuMs(pid) : Promise.resolve(undefined)),
    dispose: () => mf.dispose(),
  };
}

function compatOf(meta) {
  return { compatibilityDate: meta.compatibility_date, compatibilityFlags: meta.compatibility_flags ?? [] };
}

/** The upload's bindings as Miniflare options (only the kinds this template declares). */
function convertBindings(list, kvNames) {
  const bindings = {};
  const kvNamespaces = {};
  for (const b of list) {
    if (b.type === "plain_text" || b.type === "secret_text") bindings[b.name] = b.text;
    else if (b.type === "json") bindings[b.name] = b.json;
    else if (b.type === "kv_namespace") kvNamespaces[b.name] = b.namespace_id ?? b.name;
    // A KV namespace declared without an id is provisioned on first deploy; the upload says
    // "inherit" and the kind comes from wrangler.toml.
    else if (b.type === "inherit" && kvNames.has(b.name)) kvNamespaces[b.name] = b.name;
    else
      throw new Error(`bench: cannot serve binding ${b.name} of type ${b.type} locally; add it to bench/lib/serve.mjs`);
  }
  return { bindings, kvNamespaces };
}

/** Binding names of wrangler.toml's [[kv_namespaces]], read with wrangler's own config reader. */
async function kvBindingNames(root) {
  const { unstable_readConfig } = await import(pathToFileURL(wranglerModule(root)).href);
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") });
  return new Set((config.kv_namespaces ?? []).map((kv) => kv.binding));
}

/** workerd processes that are children of this process (Miniflare spawns one). */
export async function workerdPids() {
  if (process.platform !== "linux") return [];
  const pids = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(await readFile(`/proc/${entry}/stat`, "utf8"));
      if (stat.ppid === process.pid && stat.comm.includes("workerd")) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports

async function processCpuMs(pid) {
  try {
    const stat = parseStat(await readFile(`/proc/${pid}/stat`, "utf8"));
    return ((stat.utime + stat.stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms, nanosecond precision) all threads of a process have run so far, from the
 * scheduler's own accounting (/proc/<pid>/task/<tid>/schedstat); undefined if unknown. Unlike a
 * sampling profile's "active" time, it does not count time the process waited for a CPU, which on
 * a shared machine can be most of the wall time.
 */
export async function processRunMs(pid) {
  try {
    let ns = 0;
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const text = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => "0");
      ns += Number(text.split(" ")[0]);
    }
    return ns / 1e6;
  } catch {
    return undefined;
  }
}

function parseStat(text) {
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state) of proc(5): ppid is field 4, utime 14, stime 15
  return { comm, ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]) };
}

/** A secret for the bench's own OAuth server (never a real one). */
export function benchSecret() {
  return randomBytes(18).toString("base64url");
}
