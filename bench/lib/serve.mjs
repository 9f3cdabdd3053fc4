// Serves the Workers under test (this build and the baseline, each with and without OAuth) and
// the do-nothing Worker the same way: one workerd process (the
// version `wrangler dev` uses, driven through Miniflare), each Worker on its own loopback socket
// that goes straight into its isolate. There is no dev proxy or router Worker in front (as there
// is with `wrangler dev`), so, as on Cloudflare, a request costs the runtime plus the Worker, and
// the ratio to the floor is the Worker's own overhead.

import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadMiniflare, wranglerModule } from "./paths.mjs";

const HOST = "127.0.0.1";

/**
 * @param servers name → { port, vars, build, root, config } for each Worker under test: the
 *   build (what buildWorker returned: modules, metadata from the upload form), the checkout it was
 *   built from and its wrangler config (root's wrangler.toml unless `config` names another), and
 *   vars that override its [vars]. Port 0 takes a free port (the reference floors: they need not
 *   be reached by a known port, and so cannot clash with another bench). Every Worker gets its
 *   own KV storage.
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
    const { bindings, kvNamespaces, durableObjects, assets, ratelimits } = convertBindings(
      meta.bindings ?? [],
      await declared(server.root, server.config),
    );
    const modules = server.build.modules.map((m) => ({ ...m, path: `/${m.path}` }));
    workers.push({
      name,
      modulesRoot: "/",
      modules: ratelimits.length > 0 ? [rateLimitEntry(modules[0].path, ratelimits), ...modules] : modules,
      ...compatOf(meta),
      bindings: { ...bindings, ...server.vars },
      kvNamespaces: Object.fromEntries(Object.entries(kvNamespaces).map(([binding, id]) => [binding, `${name}-${id}`])),
      // Each Worker's classes, from its own modules (two builds with the same class names side by
      // side: every namespace belongs to the Worker that declares it), in memory like its KV.
      durableObjects,
      ...(assets && { serviceBindings: { [assets.binding]: serveFiles(assets.directory) } }),
      unsafeDirectSockets: [{ host: HOST, port: server.port }],
    });
  }

  const before = await workerdPids();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: HOST,
      port: entryPort,
      // The Workers' warnings and errors, not their ordinary lines: the template logs a line for
      // every /mcp request, hundreds of thousands in a run.
      handleStructuredLogs: ({ level, message }) => {
        if (level === "warn" || level === "error") process.stderr.write(`${message}\n`);
      },
      ...(inspectorPort ? { inspectorPort, inspectorHost: HOST } : {}),
      workers,
    }),
  );
  await mf.ready;
  const pid = (await workerdPids()).find((p) => !before.includes(p));
  const urls = {};
  for (const name of Object.keys(servers)) urls[name] = (await mf.unsafeGetDirectURL(name)).origin;

  return {
    floorUrl: `http://${HOST}:${floorPort}`,
    urls,
    inspectorUrl: (name) => `ws://${HOST}:${inspectorPort}/core:user:${name}`,
    /** CPU time (user + system, ms) the workerd process has used so far; undefined if unknown. */
    cpuMs: () => (pid ? processCpuMs(pid) : Promise.resolve(undefined)),
    dispose: () => mf.dispose(),
  };
}

/**
 * Workers Rate Limiting bindings (wrangler.toml [[ratelimits]]): on Cloudflare a call into the
 * runtime, whose counters are cached in the location the Worker runs in. No local stand-in costs
 * what that costs: Miniflare's simulation (what wrangler dev runs) is a SQLite-backed Durable
 * Object per namespace that every request passes through one at a time (7.6× the baseline's
 * tools/list, measured), and an RPC to a Worker beside it costs about 100 µs of crossing (1.7–1.9×).
 * Either would measure the stand-in. So the bench hands the Worker, in its own isolate, a binding
 * that answers at once and never refuses, through an entry module that adds it to `env` (the same
 * `env` object every request, so per-isolate caches keyed on it still hit), and measures what the
 * Worker's own code costs; the binding's is the platform's.
 */
function rateLimitEntry(main, names) {
  const contents = `import worker from ".${main}";
export * from ".${main}";
const binding = { limit: async () => ({ success: true }) };
const envs = new WeakMap();
function withLimits(env) {
  let augmented = envs.get(env);
  if (!augmented) {
    augmented = Object.create(env);
    for (const name of ${JSON.stringify(names)}) augmented[name] = binding;
    envs.set(env, augmented);
  }
  return augmented;
}
export default { fetch: (request, env, ctx) => worker.fetch(request, withLimits(env), ctx) };
`;
  return { type: "ESModule", path: "/bench-rate-limits.js", contents: new TextEncoder().encode(contents) };
}

function compatOf(meta) {
  return { compatibilityDate: meta.compatibility_date, compatibilityFlags: meta.compatibility_flags ?? [] };
}

/** The upload's bindings as Miniflare options (only the kinds this template declares). */
export function convertBindings(list, config) {
  const bindings = {};
  const kvNamespaces = {};
  const durableObjects = {};
  const ratelimits = [];
  let assets;
  for (const b of list) {
    if (b.type === "plain_text" || b.type === "secret_text") bindings[b.name] = b.text;
    else if (b.type === "json") bindings[b.name] = b.json;
    else if (b.type === "kv_namespace") kvNamespaces[b.name] = b.namespace_id ?? b.name;
    // A KV namespace declared without an id is provisioned on first deploy; the upload says
    // "inherit" and the kind comes from wrangler.toml.
    else if (b.type === "inherit" && config.kv.has(b.name)) kvNamespaces[b.name] = b.name;
    // A class this Worker exports (a class of another script would need that script served too).
    // SQLite-backed when wrangler.toml's [[migrations]] created it with new_sqlite_classes.
    else if (b.type === "durable_object_namespace" && !b.script_name)
      durableObjects[b.name] = { className: b.class_name, useSQLite: config.sqliteClasses.has(b.class_name) };
    else if (b.type === "ratelimit") ratelimits.push(b.name);
    else if (b.type === "assets" && config.assetsDirectory)
      assets = { binding: b.name, directory: config.assetsDirectory };
    else
      throw new Error(`bench: cannot serve binding ${b.name} of type ${b.type} locally; add it to bench/lib/serve.mjs`);
  }
  return { bindings, kvNamespaces, durableObjects, assets, ratelimits };
}

/**
 * What the upload form does not say, from wrangler.toml (wrangler's own config reader): which
 * "inherit" bindings are KV namespaces, which Durable Object classes are SQLite-backed, and where
 * the static assets are.
 */
export async function declared(root, configPath = join(root, "wrangler.toml")) {
  const { unstable_readConfig } = await import(pathToFileURL(wranglerModule(root)).href);
  const config = unstable_readConfig({ config: configPath });
  const sqliteClasses = new Set();
  for (const migration of config.migrations ?? []) {
    for (const name of migration.new_sqlite_classes ?? []) sqliteClasses.add(name);
    for (const { from, to } of migration.renamed_classes ?? []) if (sqliteClasses.delete(from)) sqliteClasses.add(to);
    for (const name of migration.deleted_classes ?? []) sqliteClasses.delete(name);
  }
  const directory = config.assets?.directory;
  return {
    kv: new Set((config.kv_namespaces ?? []).map((kv) => kv.binding)),
    sqliteClasses,
    assetsDirectory: directory && resolve(dirname(configPath), directory),
  };
}

/**
 * The assets binding, as a function in this process that serves the directory's files. Miniflare's
 * own assets support would put its router Worker in front of the Worker's socket (every request
 * would pay for it, and the floor would not); the bench's requests never read an asset, so the
 * binding only has to answer correctly when one is read.
 */
export function serveFiles(directory) {
  const types = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
  };
  return async (request) => {
    const path = resolve(directory, `.${decodeURIComponent(new URL(request.url).pathname)}`);
    if (!path.startsWith(`${directory}/`)) return new Response("Not Found", { status: 404 });
    try {
      const body = await readFile(path);
      return new Response(body, { headers: { "Content-Type": types[extname(path)] ?? "application/octet-stream" } });
    } catch {
      return new Response("Not Found", { status: 404 });
    }
  };
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
