// Startup CPU: `wrangler check startup` on the built upload, several times (one run is a handful
// of ~1 ms samples, so one run alone is noisy), summarised exactly as wrangler summarises it.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./build.mjs";
import { getOAuthToken } from "./oauth.mjs";
import { loadMiniflare, wranglerBin } from "./paths.mjs";
import { convertBindings, declared, processRunMs, serveFiles, workerdPids } from "./serve.mjs";

/**
 * Each run starts a fresh workerd, imports the Worker's main module under the V8 profiler and
 * writes a .cpuprofile. "Active" = sampled time minus idle (what wrangler prints), GC included.
 * With several bundles (id → path), runs alternate between them, so drift hits all alike.
 */
export async function measureStartup({ root, out, bundles, runs }) {
  const samples = Object.fromEntries(Object.keys(bundles).map((id) => [id, []]));
  for (let i = 0; i < runs; i++) {
    for (const [id, bundlePath] of Object.entries(bundles)) {
      const file = join(out, `startup-${id}-${i + 1}.cpuprofile`);
      let output;
      let profile;
      // A profile with hardly any samples (the profiler started after the module ran) is taken again.
      for (let attempt = 0; attempt < 3 && !(profile?.samples?.length >= 5); attempt++) {
        output = await run(
          process.execPath,
          [wranglerBin(root), "check", "startup", "--worker", bundlePath, "--outfile", file],
          root,
        );
        profile = JSON.parse(await readFile(file, "utf8"));
      }
      const printed = /Active: ([\d.]+) ms/.exec(output);
      samples[id].push({
        ...summarize(profile),
        wranglerActiveMs: printed ? Number(printed[1]) : undefined,
        profile: file,
        hot: hotFunctions(profile),
      });
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([id, list]) => {
      const active = list.map((s) => s.activeMs).sort((a, b) => a - b);
      const capped = list.map((s) => s.cappedMs).sort((a, b) => a - b);
      return [
        id,
        {
          runs: list,
          medianCappedMs: median(capped),
          minCappedMs: capped[0],
          maxCappedMs: capped.at(-1),
          medianActiveMs: median(active),
          minActiveMs: active[0],
          maxActiveMs: active.at(-1),
          hot: mergeHot(list.map((s) => s.hot)),
        },
      ];
    }),
  );
}

// Same arithmetic as wrangler's summarizeStartupProfile.
function summarize(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  let sampled = 0;
  let idle = 0;
  let gc = 0;
  // The sampler takes a sample about every interval while the thread runs; a much longer gap is
  // time the process waited for a CPU (the machine is shared), not work. `cappedMs` counts such a
  // gap as three intervals: the figure the ratios use, as it hardly moves with the machine's load.
  const interval = median(profile.timeDeltas.filter((d) => d > 0)) || 1000;
  let capped = 0;
  profile.timeDeltas.forEach((delta, i) => {
    sampled += delta;
    const name = nodes.get(profile.samples[i])?.callFrame.functionName;
    if (name === "(idle)") idle += delta;
    else {
      capped += Math.min(delta, 3 * interval);
      if (name === "(garbage collector)") gc += delta;
    }
  });
  return {
    activeMs: (sampled - idle) / 1000,
    cappedMs: capped / 1000,
    gcMs: gc / 1000,
    samples: profile.samples.length,
  };
}

/** Self time per function (name and line in the bundle): where startup goes. */
export function hotFunctions(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.timeDeltas.forEach((delta, i) => {
    const frame = nodes.get(profile.samples[i])?.callFrame;
    if (!frame || frame.functionName === "(idle)") return;
    const key = `${frame.functionName || "(top level)"}${frame.url ? ` ${frame.url.split("/").pop()}:${frame.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + delta / 1000);
  });
  return Object.fromEntries(self);
}

function mergeHot(list) {
  const total = new Map();
  for (const hot of list) for (const [k, v] of Object.entries(hot)) total.set(k, (total.get(k) ?? 0) + v / list.length);
  return [...total]
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms * 100) / 100 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 15);
}

export function median(sorted) {
  const s = [...sorted].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * A cold start as a client meets it: a new isolate evaluates the Worker and serves one /mcp
 * request. The Worker loads its MCP code on first use, so startup alone does not show that cost;
 * this profiles both together, the way `wrangler check startup` profiles startup alone.
 * `targets`: id → { build, request: { headers, body } | null, check(text), oauth? }; runs
 * alternate between them. A target without a request measures the evaluation of the Worker's
 * modules alone. An `oauth` target ({ vars, passphrase, root, config }: the Worker's settings
 * with OAuth on, and its checkout and wrangler config) sends its request with a bearer token: the
 * same build, served beside it in the same workerd as a second Worker that shares its KV and
 * Durable Objects, issues the token through the real OAuth flow first, so the measured isolate's
 * first request is the one /mcp call. An `optional` target (a peer) that fails is reported as
 * { error } and not tried again; any other failure ends the measurement.
 */
export async function measureColdRequest({ root, out, targets, runs, entryPort, inspectorPort }) {
  const { Miniflare, convertV4MiniflareOptions } = loadMiniflare(root);
  const { connect } = await import("./profile.mjs");
  const samples = Object.fromEntries(Object.keys(targets).map((id) => [id, []]));
  const cpu = Object.fromEntries(Object.keys(targets).map((id) => [id, []]));
  const failed = {};
  for (let i = 0; i < runs; i++) {
    for (const [id, target] of Object.entries(targets)) {
      if (failed[id]) continue;
      try {
        await coldRun(id, target, i);
      } catch (error) {
        if (!target.optional) throw error;
        failed[id] = String(error?.message ?? error)
          .split("\n")[0]
          .slice(0, 200);
      }
    }
  }

  async function coldRun(id, target, i) {
    const { check } = target;
    const workers = await coldWorkers(target);
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        host: "127.0.0.1",
        port: entryPort,
        // Warnings and errors only, as serve() does: the Worker's per-request log line would
        // otherwise land on stdout, in the middle of `--json`.
        handleStructuredLogs: ({ level, message }) => {
          if (level === "warn" || level === "error") process.stderr.write(`${message}\n`);
        },
        inspectorPort,
        inspectorHost: "127.0.0.1",
        workers,
      }),
    );
    try {
      const before = await workerdPids();
      await mf.ready;
      const pid = (await workerdPids()).find((p) => !before.includes(p));
      const headers = {};
      if (target.oauth) {
        const origin = (await mf.unsafeGetDirectURL("issuer")).origin;
        const session = await getOAuthToken(origin, target.oauth.passphrase);
        if (!session) throw new Error(`cold ${id}: /mcp is not behind OAuth`);
        headers["x-bench-url"] = `${origin}/mcp`;
        headers["x-bench-authorization"] = `Bearer ${session.accessToken}`;
        await new Promise((r) => setTimeout(r, 200)); // let the flow's storage writes settle
      }
      const inspector = await connect(`ws://127.0.0.1:${inspectorPort}/core:user:cold`);
      try {
        await inspector.send("Profiler.enable");
        await inspector.send("Profiler.start");
        const cpuBefore = pid && (await processRunMs(pid));
        const response = await mf.dispatchFetch("http://localhost/", { headers });
        const text = await response.text();
        const cpuAfter = pid && (await processRunMs(pid));
        if (!response.ok || !check(text))
          throw new Error(`cold ${id} answered ${response.status}: ${text.slice(0, 200)}`);
        const { profile } = await inspector.send("Profiler.stop");
        if (out) await writeFile(join(out, `cold-${id}-${i + 1}.cpuprofile`), JSON.stringify(profile));
        samples[id].push(summarize(profile).activeMs);
        cpu[id].push(cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : Number.NaN);
      } finally {
        inspector.close();
      }
    } finally {
      await mf.dispose();
    }
  }

  return Object.fromEntries(
    Object.entries(samples).map(([id, list]) => [
      id,
      failed[id]
        ? { error: failed[id] }
        : {
            // The workerd process's CPU time from the request's dispatch to its answer (scheduler
            // accounting: new isolate, module evaluation, the request), and the profile's active time.
            medianCpuMs: median(cpu[id]),
            minCpuMs: Math.min(...cpu[id]),
            maxCpuMs: Math.max(...cpu[id]),
            cpuRuns: cpu[id],
            medianActiveMs: median(list),
            minActiveMs: Math.min(...list),
            maxActiveMs: Math.max(...list),
            runs: list,
          },
    ]),
  );
}

/**
 * The measured Worker ("cold": an entry module that imports the build's main module on its first
 * request and hands it that one request), and for an OAuth target the issuing Worker beside it.
 */
async function coldWorkers({ build, request, oauth }) {
  const main = build.metadata.main_module;
  // The target URL and the token come with the dispatched request: the issuer's port is known
  // only once workerd listens, and the token's audience is that origin.
  const entry = request
    ? `
    export default {
      async fetch(request, env, ctx) {
        const { default: worker } = await import(${JSON.stringify(`./${main}`)});
        const headers = new Headers(${JSON.stringify(request.headers)});
        const auth = request.headers.get("x-bench-authorization");
        if (auth) headers.set("Authorization", auth);
        const url = request.headers.get("x-bench-url") ?? "http://localhost/mcp";
        // A request from a client always names its host; one built here does not until told.
        if (!headers.has("Host")) headers.set("Host", new URL(url).host);
        const init = { method: "POST", headers, body: ${JSON.stringify(request.body)} };
        const response = await worker.fetch(new Request(url, init), env, ctx);
        const body = await response.text();
        return new Response(body, { status: response.status });
      },
    };`
    : `
    export default {
      async fetch() {
        await import(${JSON.stringify(`./${main}`)});
        return new Response("evaluated");
      },
    };`;
  const compat = {
    compatibilityDate: build.metadata.compatibility_date,
    compatibilityFlags: build.metadata.compatibility_flags ?? [],
  };
  const modules = build.modules.map((m) => ({ ...m, path: `/${m.path}` }));
  if (!oauth) {
    return [
      {
        name: "cold",
        modulesRoot: "/",
        modules: [{ type: "ESModule", path: "/bench-cold-entry.js", contents: entry }, ...modules],
        ...compat,
        bindings: { ...plainBindings(build.metadata), MCP_AUTH: "none" },
      },
    ];
  }
  const { bindings, kvNamespaces, durableObjects, assets } = convertBindings(
    build.metadata.bindings ?? [],
    await declared(oauth.root, oauth.config),
  );
  const shared = {
    ...compat,
    bindings: { ...bindings, ...oauth.vars },
    kvNamespaces: Object.fromEntries(Object.keys(kvNamespaces).map((binding) => [binding, `cold-${binding}`])),
    ...(assets && { serviceBindings: { [assets.binding]: serveFiles(assets.directory) } }),
  };
  return [
    {
      name: "cold",
      modulesRoot: "/",
      modules: [{ type: "ESModule", path: "/bench-cold-entry.js", contents: entry }, ...modules],
      ...shared,
      // The classes live in the issuer's modules: the entry does not export them.
      durableObjects: Object.fromEntries(
        Object.entries(durableObjects).map(([binding, d]) => [binding, { ...d, scriptName: "issuer" }]),
      ),
    },
    {
      name: "issuer",
      modulesRoot: "/",
      modules,
      ...shared,
      durableObjects,
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    },
  ];
}

function plainBindings(metadata) {
  const bindings = {};
  for (const b of metadata.bindings ?? []) {
    if (b.type === "plain_text" || b.type === "secret_text") bindings[b.name] = b.text;
    else if (b.type === "json") bindings[b.name] = b.json;
  }
  return bindings;
}
