#!/usr/bin/env node
// npm run bench [-- --json] [--duration 3] [--rounds 3] [--connections 8] [--startup-runs 5]
//                [--port 8831] [--profile]
//
// Builds the Worker as `wrangler deploy` would upload it, measures its size and startup CPU, then
// load-tests POST /mcp (tools/list, tools/call) with and without OAuth, side by side with a
// do-nothing Worker served the same way, and checks the budgets in docs/performance.md.
// Everything runs on loopback and stops by itself; the exit code is 1 when a budget is missed.
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/client";
import { buildWorker } from "./lib/build.mjs";
import { load } from "./lib/load.mjs";
import { getOAuthToken } from "./lib/oauth.mjs";
import { workerdVersion } from "./lib/paths.mjs";
import { profileLoad } from "./lib/profile.mjs";
import { render } from "./lib/report.mjs";
import { benchSecret, serve } from "./lib/serve.mjs";
import { smoke, smokePages } from "./lib/smoke.mjs";
import { measureColdRequest, measureStartup, median } from "./lib/startup.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "bench", "out");

const { values: opt } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    duration: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "8" },
    "startup-runs": { type: "string", default: "5" },
    port: { type: "string", default: "8831" },
    profile: { type: "boolean", default: false },
  },
});
const durationMs = bounded(opt.duration, 0.5, 30, "--duration") * 1000;
const rounds = bounded(opt.rounds, 1, 10, "--rounds");
const connections = bounded(opt.connections, 1, 64, "--connections");
const startupRuns = bounded(opt["startup-runs"], 1, 15, "--startup-runs");
const port = bounded(opt.port, 1024, 65000, "--port");

export const BUDGETS = {
  openListRatio: 0.85,
  authListRatio: 0.7,
  gzipKiB: 200,
  startupMs: 20,
};

const log = (message) => process.stderr.write(`bench: ${message}\n`);
// Hard stop: whatever happens, the bench ends (and its servers with it).
const deadline = setTimeout(() => {
  log("took longer than 10 minutes; giving up");
  process.exit(2);
}, 10 * 60_000);
deadline.unref();

const PASSPHRASE = benchSecret();
const MCP_HEADERS = {
  "Content-Type": "application/json",
  Accept: "application/json, text/event-stream",
  "MCP-Protocol-Version": LATEST_PROTOCOL_VERSION,
};
const LIST = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
const CALL = JSON.stringify({
  jsonrpc: "2.0",
  id: 2,
  method: "tools/call",
  params: { name: "bench_add", arguments: { a: 1, b: 2 } },
});
// bench/worker.ts adds bench_add to whatever tools src/mcp/ holds: the calls never need an example.
const listed = (text) => text.includes('"result"') && text.includes('"bench_add"');
const converted = (text) =>
  text.includes('"structuredContent"') && text.includes('"sum":3') && !text.includes('"isError":true');

log("building the Worker (wrangler deploy --dry-run)…");
const build = await buildWorker({ root, out });
log(
  `upload ${(build.rawBytes / 1024).toFixed(1)} KiB, gzip ${(build.gzipBytes / 1024).toFixed(1)} KiB; startup profile ×${startupRuns} (wrangler check startup)…`,
);
const startup = await measureStartup({ root, out, bundlePath: build.bundlePath, runs: startupRuns });
log(`cold start + first tools/list, profiled ×${startupRuns}…`);
const cold = await measureColdRequest({
  root,
  build,
  runs: startupRuns,
  entryPort: port + 3,
  inspectorPort: port + 1000,
  request: { method: "POST", headers: MCP_HEADERS, body: LIST },
});

const servers = {
  open: { port: port + 1, vars: { MCP_AUTH: "none" } },
  oauth: { port: port + 2, vars: { MCP_AUTH: "oauth", AUTH_PASSPHRASE: PASSPHRASE } },
};
const reference = { port: port + 4, kvPort: port + 5, result: JSON.stringify(JSON.parse(cold.answer).result) };
log(`serving the do-nothing Worker, two references and the Worker (no auth, OAuth) on 127.0.0.1:${port}-${port + 5}…`);
const served = await serve({ root, build, floorPort: port, servers, reference, entryPort: port + 3 });

let result;
try {
  result = await measure(served);
} finally {
  await served.dispose();
}

if (opt.profile) {
  log("profiling the load on an unminified build (readable function names)…");
  const plain = await buildWorker({ root, out, minify: false });
  const again = await serve({
    root,
    build: plain,
    floorPort: port,
    servers,
    reference,
    entryPort: port + 3,
    inspectorPort: port + 1000,
  });
  try {
    // A new workerd has new (empty) KV storage: the token comes from its own OAuth flow.
    const token = result.oauth.available ? (await getOAuthToken(again.urls.oauth, PASSPHRASE)).accessToken : undefined;
    result.profiles = await profileLoad({
      served: again,
      out,
      durationMs: Math.max(durationMs, 3000),
      connections,
      scenarios: result.scenarios
        .filter((s) => !["floor", "reference", "kv-reference"].includes(s.server) && s.measured)
        .map((s) => ({ ...s.spec, token: s.spec.server === "oauth" ? token : undefined })),
    });
  } finally {
    await again.dispose();
  }
}

const report = {
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    workerd: workerdVersion(root),
    loadavg: os.loadavg(),
  },
  settings: {
    durationMs,
    rounds,
    connections,
    startupRuns,
    servedBy: "workerd via Miniflare, direct loopback sockets",
  },
  bundle: {
    rawBytes: build.rawBytes,
    gzipBytes: build.gzipBytes,
    wranglerReported: build.wranglerReported,
    oauthIncluded: result.oauth.available,
    byPackage: build.byPackage.slice(0, 12),
  },
  startup: { ...startup, runs: startup.runs.map(({ hot, ...r }) => r) },
  coldToolsList: cold,
  oauth: { available: result.oauth.available, tokenFlow: result.oauth.flow },
  scenarios: result.scenarios.map(({ spec, ...s }) => s),
  profiles: result.profiles,
};
report.budgets = verdicts(report);
report.pass = report.budgets.every((b) => b.pass !== false);

if (opt.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(render(report));
process.exit(report.pass ? 0 : 1);

async function measure(served) {
  const oauth = { available: false, token: undefined, flow: undefined };
  log("smoke test: an MCP client lists tools and calls bench_add on the built Worker…");
  await smoke(served.urls.open);
  await smokePages(served.urls.open);
  try {
    const token = await getOAuthToken(served.urls.oauth, PASSPHRASE);
    if (token) {
      Object.assign(oauth, { available: true, token: token.accessToken, flow: token.steps });
      await smoke(served.urls.oauth, { Authorization: `Bearer ${token.accessToken}` });
    }
  } catch (error) {
    throw new Error(`the OAuth flow failed on the built Worker: ${error.message}`);
  }

  const specs = [
    { id: "floor", label: "do-nothing Worker", server: "floor", body: LIST, check: (t) => t.includes('"result"') },
    { id: "reference", label: "hand-rolled tools/list (reference)", server: "reference", body: LIST, check: listed },
    {
      id: "kv-reference",
      label: "one KV read (reference)",
      server: "kv-reference",
      body: LIST,
      check: (t) => t.includes('"result"'),
    },
    { id: "open-list", label: "tools/list, no auth", server: "open", body: LIST, check: listed },
    { id: "open-call", label: "tools/call, no auth", server: "open", body: CALL, check: converted },
    { id: "oauth-list", label: "tools/list, OAuth", server: "oauth", body: LIST, check: listed },
    { id: "oauth-call", label: "tools/call, OAuth", server: "oauth", body: CALL, check: converted },
  ];
  const active = specs.filter((s) => s.server !== "oauth" || oauth.available);
  const runOne = (spec, ms) =>
    load({
      url:
        { floor: served.floorUrl, reference: served.referenceUrl, "kv-reference": served.kvReferenceUrl }[
          spec.server
        ] ?? served.urls[spec.server],
      request: {
        path: "/mcp",
        headers: spec.server === "oauth" ? { ...MCP_HEADERS, Authorization: `Bearer ${oauth.token}` } : MCP_HEADERS,
        body: spec.body,
      },
      check: spec.check,
      connections,
      durationMs: ms,
      cpuMs: served.cpuMs,
    });

  log("warming up…");
  const warmup = [];
  for (const spec of active) warmup.push({ spec, run: await runOne(spec, Math.min(1000, durationMs)) });

  // Rounds: the floor, then each scenario, …, and the floor once more at the end, so every
  // scenario run sits between two floor runs and is compared with their mean (the machine is
  // shared: its speed drifts, and adjacent runs drift together).
  const runs = new Map(active.map((s) => [s.id, []]));
  const floors = [];
  for (let r = 0; r < rounds; r++) {
    log(`round ${r + 1}/${rounds}…`);
    floors.push(await runOne(specs[0], durationMs));
    for (const spec of active.slice(1)) runs.get(spec.id).push(await runOne(spec, durationMs));
  }
  floors.push(await runOne(specs[0], durationMs));
  runs.set("floor", floors);

  const scenarios = specs.map((spec) => {
    if (!active.includes(spec)) return { id: spec.id, label: spec.label, server: spec.server, measured: false, spec };
    const list = runs.get(spec.id);
    const ratios =
      spec.id === "floor" ? undefined : list.map((run, r) => run.rps / ((floors[r].rps + floors[r + 1].rps) / 2));
    const cpuRatios =
      spec.id === "floor" || list.some((run) => run.serverCpuUsPerReq === undefined)
        ? undefined
        : list.map(
            (run, r) => run.serverCpuUsPerReq / ((floors[r].serverCpuUsPerReq + floors[r + 1].serverCpuUsPerReq) / 2),
          );
    const all = [...list, ...warmup.filter((w) => w.spec === spec).map((w) => w.run)];
    return {
      id: spec.id,
      label: spec.label,
      server: spec.server,
      measured: true,
      rps: median(list.map((x) => x.rps)),
      p50Ms: median(list.map((x) => x.p50Ms)),
      p99Ms: median(list.map((x) => x.p99Ms)),
      ratio: ratios && median(ratios),
      ratioMin: ratios && Math.min(...ratios),
      ratioMax: ratios && Math.max(...ratios),
      serverCpuUsPerReq: median(list.map((x) => x.serverCpuUsPerReq ?? Number.NaN)),
      cpuRatio: cpuRatios && median(cpuRatios),
      clientCpuUsPerReq: median(list.map((x) => x.clientCpuUsPerReq)),
      requests: all.reduce((n, x) => n + x.requests, 0),
      non2xx: all.reduce((n, x) => n + x.non2xx, 0),
      errors: all.reduce((n, x) => n + x.errors, 0),
      problems: all.flatMap((x) => x.firstProblems).slice(0, 3),
      runs: list.map((x) => ({ rps: x.rps, p50Ms: x.p50Ms, p99Ms: x.p99Ms, serverCpuUsPerReq: x.serverCpuUsPerReq })),
      spec,
    };
  });
  return { oauth, scenarios };
}

function verdicts(r) {
  const s = Object.fromEntries(r.scenarios.map((x) => [x.id, x]));
  const measured = r.scenarios.filter((x) => x.measured);
  const failures = measured.reduce((n, x) => n + x.errors + x.non2xx, 0);
  return [
    {
      name: `tools/list without auth ≥ ${BUDGETS.openListRatio} × floor req/s`,
      value: s["open-list"].ratio,
      shown: s["open-list"].ratio.toFixed(2),
      pass: s["open-list"].ratio >= BUDGETS.openListRatio,
    },
    s["oauth-list"].measured
      ? {
          name: `tools/list with OAuth ≥ ${BUDGETS.authListRatio} × floor req/s`,
          value: s["oauth-list"].ratio,
          shown: s["oauth-list"].ratio.toFixed(2),
          pass: s["oauth-list"].ratio >= BUDGETS.authListRatio,
        }
      : {
          name: `tools/list with OAuth ≥ ${BUDGETS.authListRatio} × floor req/s`,
          shown: "not measured: this build has no OAuth",
          pass: undefined,
        },
    {
      name: `bundle ≤ ${BUDGETS.gzipKiB} KiB gzip${r.bundle.oauthIncluded ? " (OAuth included)" : ""}`,
      value: r.bundle.gzipBytes / 1024,
      shown: `${(r.bundle.gzipBytes / 1024).toFixed(1)} KiB${r.bundle.oauthIncluded ? "" : " (without OAuth: this build has none)"}`,
      pass: r.bundle.gzipBytes / 1024 <= BUDGETS.gzipKiB,
    },
    {
      name: `startup ≤ ${BUDGETS.startupMs} ms active CPU (median of ${r.startup.runs.length})`,
      value: r.startup.medianActiveMs,
      shown: `${r.startup.medianActiveMs.toFixed(1)} ms`,
      pass: r.startup.medianActiveMs <= BUDGETS.startupMs,
    },
    {
      name: "zero errors and zero non-2xx under load",
      value: failures,
      shown: `${failures} of ${measured.reduce((n, x) => n + x.requests, 0)} requests`,
      pass: failures === 0,
    },
  ];
}

function bounded(text, min, max, name) {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`bench: ${name} must be a number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}
