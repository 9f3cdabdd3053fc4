#!/usr/bin/env node
// npm run bench [-- --json] [--baseline <ref>|none] [--floors] [--peers] [--tools 100] [--profile]
//                [--duration 3] [--rounds 3] [--connections 8] [--startup-runs 7] [--port 8831]
//
// Builds the Worker as `wrangler deploy` would upload it, and the baseline (bench/config.mjs:
// another commit, by default today's main, exported and built the same way), then measures them
// side by side in one run, served by one workerd: upload size (and what each package and each
// folder of ours weighs in it), startup CPU, the cold first /mcp answer of a new isolate per era
// with and without OAuth, and per-request CPU of tools/list and tools/call in each era, with and
// without OAuth, interleaved with a do-nothing Worker. The budgets (bench/config.mjs) each name
// the reference they are judged against in the same run:
//   --floors   the reference floors (bench/floors/, bench/lib/floors.mjs): the mandated engine
//              alone with one tool, bare and behind the OAuth provider (the cold budget);
//   --peers    other ways to serve MCP from a Worker (bench/config.mjs PEERS: agents, mcp-handler,
//              @hono/mcp, xmcp, the bare SDK), installed from npm at pinned versions into scratch
//              folders outside the repository, each wired in bench/peers/ to serve the floors' one
//              tool, bundled by the project's wrangler (the tools/call budget: the cheapest peer);
//   --tools N  this tree again with N more tools (the README's "Add a tool" file, renamed), for
//              what each tool adds to a cold start (default 100; 0 skips it);
//   the baseline for every other row, and for a row whose reference is not in the run.
// Everything runs on loopback (the peers' npm install apart) and stops by itself; the exit code is
// 1 when a budget is missed.
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { BASELINE_REF, PEERS, SYNTHETIC_TOOL_COUNT } from "./config.mjs";
import { prepareBaseline } from "./lib/baseline.mjs";
import { budgetRows } from "./lib/budgets.mjs";
import { buildWorker } from "./lib/build.mjs";
import { buildFloors, floorColdTargets, floorRows, floorServers } from "./lib/floors.mjs";
import { load } from "./lib/load.mjs";
import { getOAuthToken } from "./lib/oauth.mjs";
import { workerdVersion } from "./lib/paths.mjs";
import { buildPeers, peerColdTargets, peerRows, serverOf as peerServer, peerServers } from "./lib/peers.mjs";
import { profileLoad } from "./lib/profile.mjs";
import { render } from "./lib/report.mjs";
import { benchSecret, serve } from "./lib/serve.mjs";
import { smoke, smokePages } from "./lib/smoke.mjs";
import { measureColdRequest, measureStartup, median } from "./lib/startup.mjs";
import { buildSynthetic } from "./lib/synthetic.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "bench", "out");

const { values: opt } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    baseline: { type: "string", default: BASELINE_REF },
    duration: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "8" },
    "startup-runs": { type: "string", default: "7" },
    port: { type: "string", default: "8831" },
    profile: { type: "boolean", default: false },
    floors: { type: "boolean", default: false },
    peers: { type: "boolean", default: false },
    tools: { type: "string", default: String(SYNTHETIC_TOOL_COUNT) },
  },
});
const durationMs = bounded(opt.duration, 0.5, 30, "--duration") * 1000;
const rounds = bounded(opt.rounds, 1, 10, "--rounds");
const connections = bounded(opt.connections, 1, 64, "--connections");
const startupRuns = bounded(opt["startup-runs"], 1, 15, "--startup-runs");
const port = bounded(opt.port, 1024, 65000, "--port");
const extraTools = bounded(opt.tools, 0, 1000, "--tools");

const log = (message) => process.stderr.write(`bench: ${message}\n`);
// Hard stop: whatever happens, the bench ends (and its servers with it). The floors and the
// peers each add several builds, load runs and cold targets.
const minutes = 20 + (opt.floors ? 10 : 0) + (opt.peers ? 20 : 0);
const deadline = setTimeout(() => {
  log(`took longer than ${minutes} minutes; giving up`);
  process.exit(2);
}, minutes * 60_000);
deadline.unref();

const PASSPHRASE = benchSecret();
const baselineIds = new Set();
const ERAS = { legacy: "2025", modern: "2026-07-28" };
const AUTHS = { open: "no auth", oauth: "OAuth" };
const OPS = { list: "tools/list", call: "tools/call" };

log("building the Worker (wrangler deploy --dry-run)…");
const build = await buildWorker({ root, out });
log(`upload ${(build.rawBytes / 1024).toFixed(1)} KiB, gzip ${(build.gzipBytes / 1024).toFixed(1)} KiB`);
const baseline = opt.baseline === "none" ? undefined : await prepareBaseline({ root, out, ref: opt.baseline, log });
let baseBuild;
if (baseline) {
  log(`building the baseline ${baseline.ref} (${baseline.sha.slice(0, 12)}) with its own wrangler…`);
  baseBuild = await buildWorker({ root: baseline.root, out: join(out, "baseline-build") });
  log(
    `baseline upload ${(baseBuild.rawBytes / 1024).toFixed(1)} KiB, gzip ${(baseBuild.gzipBytes / 1024).toFixed(1)} KiB`,
  );
}

// Opt-in: four more builds, twelve more load runs per round and fifteen more cold targets make
// the run several minutes longer, and the floors change only when a dependency does.
const floorBuilds = opt.floors ? await buildFloors({ root, out, log }) : undefined;
// Opt-in too: an npm install per peer (once per set of pins), five builds, and their runs.
const peers = opt.peers ? await buildPeers({ root, out, log, compat: build.metadata }) : undefined;
const synthetic = extraTools > 0 ? await buildSynthetic({ root, out, count: extraTools, log }) : undefined;
if (synthetic?.error) log(`no synthetic build (${synthetic.error}): the per-tool cold row is left out`);

let servers = serversFor(build, baseBuild, floorBuilds, peers);
log(
  `serving the do-nothing Worker and ${Object.keys(servers).join(", ")} on 127.0.0.1:${port}-${port + 5}${floorBuilds || peers ? " (floors and peers on free ports)" : ""}…`,
);
const served = await serveAll();
let result;
try {
  result = await measure(served);
} finally {
  await served.dispose();
}

if (opt.profile) {
  log("profiling the load on unminified builds (readable function names)…");
  const plain = await buildWorker({ root, out, minify: false });
  const basePlain =
    baseline && (await buildWorker({ root: baseline.root, out: join(out, "baseline-build"), minify: false }));
  const again = await serve({
    root,
    floorPort: port,
    servers: serversFor(plain, basePlain),
    entryPort: port + 3,
    inspectorPort: port + 1000,
  });
  try {
    // A new workerd has new (empty) KV storage: the tokens come from its own OAuth flows.
    const tokens = {};
    for (const server of ["oauth", "base-oauth"]) {
      if (result.tokens[server]) tokens[server] = (await getOAuthToken(again.urls[server], PASSPHRASE)).accessToken;
    }
    result.profiles = await profileLoad({
      served: again,
      out,
      durationMs: Math.max(durationMs, 3000),
      connections,
      scenarios: result.specs
        .filter((s) => s.server !== "floor" && s.build !== "reference")
        .map((s) => ({ ...s, request: requestFor(s, tokens[s.server]) })),
    });
  } finally {
    await again.dispose();
  }
}

log(`startup profile ×${startupRuns} (wrangler check startup), alternating builds…`);
const startup = await measureStartup({
  root,
  out,
  bundles: { current: build.bundlePath, ...(baseBuild && { baseline: baseBuild.bundlePath }) },
  runs: startupRuns,
});
log(`module evaluation, and cold start + first /mcp request, ×${startupRuns} per era, auth and build…`);
const listed = (text) => text.includes('"tools"');
// The cold request: tools/list, or the era's first request (initialize, server/discover) on a
// build that has no tools (a fork that deleted the examples).
const coldTarget = (b, recorded) =>
  recorded.list
    ? { build: b, request: recorded.list, check: listed }
    : { build: b, request: recorded.first, check: (text) => text.includes('"result"') };
const evaluated = (b) => ({ build: b, request: null, check: (text) => text === "evaluated" });
const oauthOf = (checkout) => ({
  vars: { MCP_AUTH: "oauth", AUTH_PASSPHRASE: PASSPHRASE },
  passphrase: PASSPHRASE,
  root: checkout,
});
/** A build's cold targets: startup, and the first /mcp per era, without and with OAuth. */
const buildTargets = (prefix, b, checkout, open, oauth) => {
  const targets = { [`${prefix}startup`]: evaluated(b) };
  for (const era of Object.keys(ERAS)) {
    if (open?.[era]) targets[`${prefix}${era}`] = coldTarget(b, open[era]);
    if (oauth?.[era]) targets[`${prefix}oauth-${era}`] = { ...coldTarget(b, oauth[era]), oauth: oauthOf(checkout) };
  }
  return targets;
};
if (!result.requests.open.legacy.list) log("this build has no tools: the cold request is initialize/server/discover");
const cold = await measureColdRequest({
  root,
  out,
  runs: startupRuns,
  entryPort: port + 3,
  inspectorPort: port + 1000,
  targets: {
    ...buildTargets("", build, root, result.requests.open, result.requests.oauth),
    ...(baseBuild &&
      buildTargets(
        "baseline-",
        baseBuild,
        baseline.root,
        result.requests["base-open"],
        result.tokens["base-oauth"] && result.requests["base-oauth"],
      )),
    ...(synthetic?.build &&
      Object.fromEntries(
        Object.keys(ERAS)
          .filter((era) => result.requests.open[era]?.list)
          .map((era) => [
            `synthetic-${era}`,
            {
              build: synthetic.build,
              request: result.requests.open[era].list,
              check: (text) => text.includes(`"${synthetic.lastTool}"`),
            },
          ]),
      )),
    ...(floorBuilds &&
      floorColdTargets({ root, builds: floorBuilds, requests: result.requests, coldTarget, passphrase: PASSPHRASE })),
    ...(peers && peerColdTargets({ peers, requests: result.requests, coldTarget })),
  },
});

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
  baseline: baseline && { ref: baseline.ref, sha: baseline.sha },
  tool: result.tool,
  bundle: bundleReport(build, result.tokens.oauth),
  baselineBundle: baseBuild && bundleReport(baseBuild, result.tokens["base-oauth"]),
  startup: stripHot(startup.current),
  baselineStartup: startup.baseline && stripHot(startup.baseline),
  startupHot: startup.current.hot,
  cold,
  scenarios: result.scenarios,
  profiles: result.profiles,
};
if (synthetic) {
  report.synthetic = synthetic.build
    ? { count: synthetic.count, bundle: bundleReport(synthetic.build, result.tokens.oauth) }
    : { count: 0, error: synthetic.error };
}
if (floorBuilds) {
  report.floorBundles = Object.fromEntries(Object.entries(floorBuilds).map(([id, b]) => [id, bundleReport(b, false)]));
  report.floors = floorRows(report, { eras: ERAS, auths: AUTHS, ops: OPS, baselineIdFor });
}
if (peers) {
  report.peers = Object.fromEntries(
    Object.entries(peers).map(([id, p]) => [
      id,
      {
        label: PEERS[id].label,
        packages: p.packages,
        ...(p.error ? { error: p.error } : { bundle: bundleReport(p.build, false) }),
        notes: [
          ...(p.notes ?? []),
          ...Object.entries(cold)
            .filter(([key, c]) => key.startsWith(`${peerServer(id)}-`) && c.error)
            .map(([key, c]) => `cold ${key.slice(peerServer(id).length + 1)} failed: ${c.error}`),
        ],
      },
    ]),
  );
  report.peerRows = peerRows(report, { eras: ERAS, ops: OPS });
}
report.budgets = budgetRows(report, { eras: ERAS, auths: AUTHS, ops: OPS, baselineIdFor });
report.pass = report.budgets.every((b) => b.pass !== false);

if (opt.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(render(report));
process.exit(report.pass ? 0 : 1);

/**
 * Serves everything in one workerd. A peer whose Worker does not even start (it throws while its
 * modules are evaluated) would stop the whole workerd: when serving fails, each peer is tried
 * alone, the ones that fail are reported as such, and the rest is served without them.
 */
async function serveAll() {
  const options = () => ({ root, floorPort: port, servers, entryPort: port + 3 });
  try {
    return await serve(options());
  } catch (error) {
    const ids = Object.values(servers)
      .map((s) => s.peer)
      .filter(Boolean);
    if (!ids.length) throw error;
    log(`serving failed (${error.message.split("\n")[0]}); trying each peer alone…`);
    for (const id of ids) {
      const alone = { [peerServer(id)]: servers[peerServer(id)] };
      try {
        await (await serve({ root, floorPort: 0, servers: alone, entryPort: 0 })).dispose();
      } catch (failure) {
        peers[id].error =
          `workerd cannot start it (its own error is in the log above): ${failure.message.split("\n")[0].slice(0, 120)}`;
        log(`peer ${id}: ${peers[id].error}`);
      }
    }
    servers = serversFor(build, baseBuild, floorBuilds, peers);
    return serve(options());
  }
}

function serversFor(current, base, floors, peerBuilds) {
  const none = { MCP_AUTH: "none" };
  const oauth = { MCP_AUTH: "oauth", AUTH_PASSPHRASE: PASSPHRASE };
  const both = ["legacy", "modern"];
  return {
    open: { port: port + 1, vars: none, build: current, root, eras: both, auth: "open", kind: "current" },
    oauth: { port: port + 2, vars: oauth, build: current, root, eras: both, auth: "oauth", kind: "current" },
    // The baseline is asked for 2025 first; whether it speaks 2026-07-28 too is tried in measure().
    ...(base && {
      "base-open": { port: port + 4, vars: none, build: base, root: baseline.root, eras: ["legacy"], auth: "open" },
      "base-oauth": { port: port + 5, vars: oauth, build: base, root: baseline.root, eras: ["legacy"], auth: "oauth" },
    }),
    ...(floors && floorServers({ root, builds: floors, passphrase: PASSPHRASE })),
    ...(peerBuilds &&
      peerServers({ root, peers: Object.fromEntries(Object.entries(peerBuilds).filter(([, p]) => !p.error)) })),
  };
}

/** The recorded client request of a scenario, with its bearer token when it has one. */
function requestFor(spec, token) {
  return {
    path: "/mcp",
    headers: token ? { ...spec.recorded.headers, Authorization: `Bearer ${token}` } : spec.recorded.headers,
    body: spec.recorded.body,
  };
}

async function measure(served) {
  // What the SDK's client sends, per server and era (recorded by the smoke test), and the tokens.
  const requests = {};
  const tokens = {};
  let tool;
  for (const server of Object.keys(servers)) {
    const { eras, peer } = servers[server];
    if (peer) {
      requests[server] = await smokePeer(served.urls[server], peer);
      continue;
    }
    let headers = {};
    if (server.endsWith("oauth")) {
      let token;
      try {
        token = await getOAuthToken(served.urls[server], PASSPHRASE);
      } catch (error) {
        throw new Error(`the OAuth flow failed on ${server}: ${error.message}`);
      }
      if (!token) continue; // this build has no OAuth in front of /mcp
      tokens[server] = token.accessToken;
      headers = { Authorization: `Bearer ${token.accessToken}` };
    }
    log(`smoke test on ${server}: an MCP client lists the tools and calls one (${eras.join(", ")})…`);
    requests[server] = await smoke(served.urls[server], headers, eras);
    if (server.startsWith("base-")) {
      // A baseline that speaks 2026-07-28 too (a commit of the 2.x line) is compared era with era.
      try {
        Object.assign(requests[server], await smoke(served.urls[server], headers, ["modern"]));
      } catch {
        // 2025 only (the 1.x line): both eras of this build are compared with its 2025 path.
      }
    }
    if (server === "open") {
      tool = requests.open.legacy.tool;
      if (!tool)
        log("no tool to call (none of bench/config.mjs's, and none without required arguments): tools/list only");
      await smokePages(served.urls.open, tool?.name);
    }
  }

  const floor = { id: "floor", label: "do-nothing Worker", server: "floor" };
  const specs = [floor];
  for (const [auth, authLabel] of Object.entries(AUTHS)) {
    for (const [op, opLabel] of Object.entries(OPS)) {
      const group = [];
      const base = `base-${auth}`;
      for (const era of ["legacy", "modern"]) {
        if (requests[base]?.[era]) group.push({ server: base, era, build: "baseline" });
        if (requests[auth]) group.push({ server: auth, era, build: "current" });
      }
      // The reference floors and the peers with the same auth, after this build's runs: each
      // round's ratio to them comes from the same stretch of the machine's time.
      for (const [server, s] of Object.entries(servers)) {
        if (s.kind !== "reference" || s.auth !== auth) continue;
        for (const era of s.eras) if (requests[server]?.[era]) group.push({ server, era, build: "reference" });
      }
      for (const g of group) {
        const recorded = requests[g.server][g.era][op];
        const benchTool = requests[g.server][g.era].tool;
        if (!recorded) continue; // no tool to call on this build
        const { floor, peer } = servers[g.server];
        const who = {
          baseline: "baseline",
          current: "this build",
          reference: floor ? `floor ${floor}` : `peer ${peer}`,
        }[g.build];
        specs.push({
          ...g,
          ...(floor && { floor }),
          ...(peer && { peer }),
          id:
            g.build === "reference"
              ? `${g.server}-${op}-${ERAS[g.era]}`
              : `${g.build === "baseline" ? "base" : "cur"}-${auth}-${op}-${ERAS[g.era]}`,
          label: `${opLabel}, ${authLabel}, ${who}, ${ERAS[g.era]}`,
          auth,
          op,
          recorded,
          check:
            op === "list"
              ? (text) => text.includes('"result"') && (!benchTool || text.includes(`"${benchTool.name}"`))
              : benchTool.check,
        });
      }
    }
  }
  const floorRequest = requests.open.legacy.list ?? requests.open.legacy.first; // the floor reads no body
  const runOne = (spec, ms) =>
    load({
      url: spec.server === "floor" ? served.floorUrl : served.urls[spec.server],
      request:
        spec.server === "floor"
          ? { path: "/mcp", headers: floorRequest.headers, body: floorRequest.body }
          : requestFor(spec, tokens[spec.server]),
      check: spec.server === "floor" ? (t) => t.includes('"result"') : spec.check,
      connections,
      durationMs: ms,
      cpuMs: served.cpuMs,
    });

  log("warming up…");
  const warmup = new Map();
  for (const spec of specs) warmup.set(spec.id, await runOne(spec, Math.min(1000, durationMs)));

  // Rounds: the floor, then each scenario (a baseline run next to this build's runs of the same
  // request), …, and the floor once more at the end, so every run sits between two floor runs and
  // is compared with their mean, and with the baseline run beside it (the machine is shared: its
  // speed drifts, and adjacent runs drift together).
  for (const spec of specs) if (spec.build === "baseline") baselineIds.add(spec.id);
  const runs = new Map(specs.map((s) => [s.id, []]));
  const floors = [];
  for (let r = 0; r < rounds; r++) {
    log(`round ${r + 1}/${rounds}…`);
    floors.push(await runOne(floor, durationMs));
    for (const spec of specs.slice(1)) runs.get(spec.id).push(await runOne(spec, durationMs));
  }
  floors.push(await runOne(floor, durationMs));
  runs.set("floor", floors);

  const scenarios = specs.map((spec) => {
    const list = runs.get(spec.id);
    const floorMean = (r, key) => (floors[r][key] + floors[r + 1][key]) / 2;
    const perRound = (fn) => (spec.id === "floor" ? undefined : list.map(fn));
    const ratios = perRound((run, r) => run.rps / floorMean(r, "rps"));
    const cpuRatios = perRound((run, r) => run.serverCpuUsPerReq / floorMean(r, "serverCpuUsPerReq"));
    const base = spec.build !== "baseline" && spec.id !== "floor" && runs.get(baselineIdFor(spec));
    const vsBaseline = base && list.map((run, r) => run.serverCpuUsPerReq / base[r].serverCpuUsPerReq);
    const rpsVsBaseline = base && list.map((run, r) => run.rps / base[r].rps);
    const all = [...list, warmup.get(spec.id)];
    return {
      id: spec.id,
      label: spec.label,
      server: spec.server,
      build: spec.build,
      era: spec.era,
      auth: spec.auth,
      op: spec.op,
      ...(spec.floor && { floor: spec.floor }),
      ...(spec.peer && { peer: spec.peer }),
      rps: median(list.map((x) => x.rps)),
      p50Ms: median(list.map((x) => x.p50Ms)),
      p99Ms: median(list.map((x) => x.p99Ms)),
      ratio: ratios && median(ratios),
      ratioMin: ratios && Math.min(...ratios),
      ratioMax: ratios && Math.max(...ratios),
      serverCpuUsPerReq: median(list.map((x) => x.serverCpuUsPerReq ?? Number.NaN)),
      cpuRatio: cpuRatios && median(cpuRatios),
      cpuVsBaseline: vsBaseline ? median(vsBaseline) : undefined,
      cpuVsBaselineMin: vsBaseline ? Math.min(...vsBaseline) : undefined,
      cpuVsBaselineMax: vsBaseline ? Math.max(...vsBaseline) : undefined,
      rpsVsBaseline: rpsVsBaseline ? median(rpsVsBaseline) : undefined,
      clientCpuUsPerReq: median(list.map((x) => x.clientCpuUsPerReq)),
      requests: all.reduce((n, x) => n + x.requests, 0),
      non2xx: all.reduce((n, x) => n + x.non2xx, 0),
      errors: all.reduce((n, x) => n + x.errors, 0),
      problems: all.flatMap((x) => x.firstProblems).slice(0, 3),
      runs: list.map((x) => ({ rps: x.rps, p50Ms: x.p50Ms, p99Ms: x.p99Ms, serverCpuUsPerReq: x.serverCpuUsPerReq })),
    };
  });
  return { requests, tokens, tool: tool && { name: tool.name, arguments: tool.arguments }, specs, scenarios };
}

/**
 * A peer's smoke test, era by era: what it records for the eras it answers correctly. The eras it
 * does not speak are noted, and a peer that answers neither correctly is reported as failing
 * rather than stopping the run.
 */
async function smokePeer(url, id) {
  log(`smoke test on peer ${id}: an MCP client lists the tools and calls one (2025, 2026-07-28)…`);
  const recorded = {};
  const refused = [];
  for (const era of Object.keys(ERAS)) {
    try {
      Object.assign(recorded, await smoke(url, {}, [era]));
    } catch (error) {
      refused.push(
        `${ERAS[era]}: ${String(error?.message ?? error)
          .split("\n")[0]
          .slice(0, 160)}`,
      );
    }
  }
  if (!Object.keys(recorded).length) {
    peers[id].error = `fails the bench's MCP client (${refused.join("; ")})`;
    log(`peer ${id} ${peers[id].error}`);
    return undefined;
  }
  peers[id].notes = refused.map((r) => `does not speak ${r}`);
  for (const note of peers[id].notes) log(`peer ${id} ${note}`);
  return recorded;
}

/** The baseline run a scenario is compared with: the same era when the baseline speaks it, else 2025. */
function baselineIdFor({ auth, op, era }) {
  const same = `base-${auth}-${op}-${ERAS[era]}`;
  return baselineIds.has(same) ? same : `base-${auth}-${op}-2025`;
}

function bundleReport(b, oauthIncluded) {
  return {
    rawBytes: b.rawBytes,
    gzipBytes: b.gzipBytes,
    wranglerReported: b.wranglerReported,
    oauthIncluded: Boolean(oauthIncluded),
    parts: b.parts,
  };
}

function stripHot({ hot, ...rest }) {
  return { ...rest, runs: rest.runs.map(({ hot: _, ...r }) => r) };
}

function bounded(text, min, max, name) {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`bench: ${name} must be a number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}
