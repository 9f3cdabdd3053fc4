// Reference floors (`npm run bench -- --floors`): Workers made of only what issue 8 mandates
// (bench/floors/: the SDK's own serving with one tool, bare and behind the OAuth provider), built
// and measured in the same run by the same machinery as this build and the baseline. What a floor
// costs, the dependencies alone cost; what this build costs beyond it is the project's own.
import { join } from "node:path";
import { buildWorker } from "./build.mjs";

/** Each floor: its SDK line, whether /mcp is behind OAuth, and the eras it speaks. */
export const FLOORS = {
  "v2-bare": { label: "v2 bare", auth: "open", eras: ["legacy", "modern"] },
  "v2-oauth": { label: "v2 + OAuth", auth: "oauth", eras: ["legacy", "modern"] },
  // The SDK driven as cheaply as it can be (bench/floors/v2-lean.js): how far below the peers any
  // Worker on this engine can call a tool.
  "v2-lean": { label: "v2 lean", auth: "open", eras: ["legacy", "modern"] },
  "v1-bare": { label: "v1 bare", auth: "open", eras: ["legacy"] },
  "v1-oauth": { label: "v1 + OAuth", auth: "oauth", eras: ["legacy"] },
};

/** A floor's server name in the bench (distinct from "base-…", the baseline's servers). */
export const serverOf = (id) => `ref-${id}`;

/** `wrangler deploy --dry-run` of each floor with its own config, bench/floors/<id>.toml. */
export async function buildFloors({ root, out, log }) {
  const builds = {};
  for (const id of Object.keys(FLOORS)) {
    builds[id] = await buildWorker({
      root,
      out,
      config: join(root, "bench", "floors", `${id}.toml`),
      name: `floor-${id}`,
    });
    log(
      `floor ${id}: upload ${(builds[id].rawBytes / 1024).toFixed(1)} KiB, gzip ${(builds[id].gzipBytes / 1024).toFixed(1)} KiB`,
    );
  }
  return builds;
}

/** The floors as servers for serve(): free ports, the OAuth ones with the bench's passphrase. */
export function floorServers({ root, builds, passphrase }) {
  return Object.fromEntries(
    Object.entries(builds).map(([id, build]) => [
      serverOf(id),
      {
        port: 0,
        vars: FLOORS[id].auth === "oauth" ? { AUTH_PASSPHRASE: passphrase } : {},
        build,
        root,
        config: join(root, "bench", "floors", `${id}.toml`),
        floor: id,
        eras: FLOORS[id].eras,
        auth: FLOORS[id].auth,
        kind: "reference",
      },
    ]),
  );
}

/**
 * Cold-start targets: every floor's module evaluation, and its first /mcp per era; an OAuth
 * floor's with a bearer token (bench/lib/startup.mjs issues one beside the measured isolate).
 */
export function floorColdTargets({ root, builds, requests, coldTarget, passphrase }) {
  const targets = {};
  for (const [id, build] of Object.entries(builds)) {
    targets[`${serverOf(id)}-startup`] = { build, request: null, check: (text) => text === "evaluated" };
    const oauth = FLOORS[id].auth === "oauth" && {
      vars: { AUTH_PASSPHRASE: passphrase },
      passphrase,
      root,
      config: join(root, "bench", "floors", `${id}.toml`),
    };
    for (const era of FLOORS[id].eras) {
      const recorded = requests[serverOf(id)]?.[era];
      if (recorded) targets[`${serverOf(id)}-${era}`] = { ...coldTarget(build, recorded), ...(oauth && { oauth }) };
    }
  }
  return targets;
}

/**
 * The floors' figures next to the baseline's and this build's, row by row (each ratio is ÷ the
 * baseline, computed as the budget rows compute theirs): upload, startup, cold first /mcp per auth
 * and era, per-request CPU per operation, auth and era. A floor has no figure for what it does
 * not do (a 1.x floor speaks no 2026-07-28; a bare floor has no OAuth, an OAuth floor no bare /mcp).
 */
export function floorRows(r, { eras, auths, ops, baselineIdFor }) {
  const ids = Object.keys(r.floorBundles);
  const rows = [];
  const row = (name, unit, baseline, current, value) => {
    const cell = (v) => (v === undefined ? undefined : { value: v, ratio: baseline ? v / baseline : undefined });
    rows.push({
      name,
      unit,
      baseline,
      current: cell(current),
      floors: Object.fromEntries(ids.map((id) => [id, cell(value(id))])),
    });
  };
  const kib = (bytes) => bytes / 1024;
  row("upload, raw", "KiB", r.baselineBundle && kib(r.baselineBundle.rawBytes), kib(r.bundle.rawBytes), (id) =>
    kib(r.floorBundles[id].rawBytes),
  );
  row("upload, gzip", "KiB", r.baselineBundle && kib(r.baselineBundle.gzipBytes), kib(r.bundle.gzipBytes), (id) =>
    kib(r.floorBundles[id].gzipBytes),
  );
  const cpu = (key) => r.cold[key]?.medianCpuMs;
  row("startup CPU", "ms", cpu("baseline-startup"), cpu("startup"), (id) => cpu(`${serverOf(id)}-startup`));
  for (const auth of Object.keys(auths)) {
    for (const era of Object.keys(eras)) {
      const key = auth === "open" ? era : `oauth-${era}`;
      const baseKey = auth === "open" ? "baseline" : "baseline-oauth";
      const base = cpu(`${baseKey}-${era}`) ?? cpu(`${baseKey}-legacy`);
      row(`cold first /mcp, ${auths[auth]}, ${eras[era]}`, "ms", base, cpu(key), (id) =>
        FLOORS[id].auth === auth ? cpu(`${serverOf(id)}-${era}`) : undefined,
      );
    }
  }
  for (const auth of Object.keys(auths)) {
    for (const op of Object.keys(ops)) {
      for (const era of Object.keys(eras)) {
        const find = (server) => r.scenarios.find((s) => s.server === server && s.op === op && s.era === era);
        const current = find(auth);
        if (!current) continue; // no tool to call on this build
        const base = r.scenarios.find((s) => s.id === baselineIdFor(current));
        // Per-request ratios are the median of per-round ratios (as the budget rows), not the
        // ratio of medians, so they are taken from the scenario rather than recomputed here.
        const perRequest = (s) => s && { value: s.serverCpuUsPerReq, ratio: s.cpuVsBaseline };
        rows.push({
          name: `${ops[op]} CPU/req, ${auths[auth]}, ${eras[era]}`,
          unit: "µs",
          baseline: base?.serverCpuUsPerReq,
          current: perRequest(current),
          floors: Object.fromEntries(
            ids.map((id) => [id, FLOORS[id].auth === auth ? perRequest(find(serverOf(id))) : undefined]),
          ),
        });
      }
    }
  }
  return rows;
}
