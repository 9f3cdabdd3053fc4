// The budgets table: each row judged against the reference bench/config.mjs (BUDGETS) names for
// it, measured in the same run: a fixed figure, a reference floor, the synthetic build with extra
// tools, the cheapest peer, or the baseline. Every row also shows its ratio to the baseline, so a
// change that is within its budget but worse than the baseline still shows.
import { BUDGETS } from "../config.mjs";
import { median } from "./startup.mjs";

/**
 * @param r the report so far (bundle, cold, scenarios, baseline…)
 * @param ctx { eras, auths, ops, baselineIdFor }: labels, and which baseline run a scenario is
 *   compared with
 * @returns rows of { name, reference, referenceValue, value, unit, ratio, range, budget, pass, vsBaseline }
 */
export function budgetRows(r, { eras, auths, ops, baselineIdFor }) {
  const rows = [];
  const baseLabel = r.baseline ? `baseline ${r.baseline.ref}` : undefined;
  const times = (max) => `≤ ${max.toFixed(2)} ×`;
  const kib = (bytes) => bytes / 1024;

  // Size: a fixed figure.
  rows.push({
    name: "upload, gzip",
    reference: "absolute",
    value: kib(r.bundle.gzipBytes),
    unit: "KiB",
    budget: `≤ ${BUDGETS.size.maxKiB} KiB`,
    pass: kib(r.bundle.gzipBytes) <= BUDGETS.size.maxKiB,
    vsBaseline: r.baselineBundle && r.bundle.gzipBytes / r.baselineBundle.gzipBytes,
  });

  const cpu = (key) => r.cold[key]?.medianCpuMs;
  const againstBaseline = (name, unit, value, baseValue, extra = {}) => ({
    name,
    reference: baseLabel ?? "none (--baseline none)",
    referenceValue: baseValue,
    value,
    unit,
    ratio: baseValue ? value / baseValue : undefined,
    budget: times(BUDGETS.otherwise.max),
    pass: baseValue ? value / baseValue <= BUDGETS.otherwise.max : undefined,
    ...extra,
  });

  // Startup: the baseline.
  if (cpu("startup") !== undefined)
    rows.push(againstBaseline("startup CPU", "ms", cpu("startup"), cpu("baseline-startup")));

  // Cold first /mcp: the floor with the same auth, else the baseline.
  for (const auth of Object.keys(auths)) {
    for (const era of Object.keys(eras)) {
      const key = auth === "open" ? era : `oauth-${era}`;
      const value = cpu(key);
      if (value === undefined) continue;
      const name = `cold first /mcp, ${auths[auth]}, ${eras[era]}`;
      const baseKey = auth === "open" ? "baseline" : "baseline-oauth";
      const base = cpu(`${baseKey}-${era}`) ?? cpu(`${baseKey}-legacy`); // a 1.x baseline speaks 2025 only
      const floor = BUDGETS.cold.floors[auth];
      const floorValue = cpu(`ref-${floor}-${era}`);
      if (floorValue === undefined) {
        rows.push(againstBaseline(name, "ms", value, base, { note: "no floor in this run (--floors)" }));
        continue;
      }
      rows.push({
        name,
        reference: `floor ${floor}`,
        referenceValue: floorValue,
        value,
        unit: "ms",
        ratio: value / floorValue,
        budget: times(BUDGETS.cold.max),
        pass: value / floorValue <= BUDGETS.cold.max,
        vsBaseline: base && value / base,
      });
    }
  }

  // What each extra tool adds to the cold start: the synthetic build beside this one.
  if (r.synthetic?.count) {
    for (const era of Object.keys(eras)) {
      const more = cpu(`synthetic-${era}`);
      if (more === undefined || cpu(era) === undefined) continue;
      const perTool = (more - cpu(era)) / r.synthetic.count;
      rows.push({
        name: `cold first /mcp, per extra tool, ${eras[era]}`,
        reference: `${r.synthetic.count} extra tools`,
        referenceValue: more,
        referenceUnit: "ms",
        value: perTool,
        unit: "ms/tool",
        budget: `≤ ${BUDGETS.coldPerTool.maxMs} ms/tool`,
        pass: perTool <= BUDGETS.coldPerTool.maxMs,
      });
    }
  }

  // Per-request CPU: tools/call without auth against the cheapest peer, the rest the baseline.
  for (const auth of Object.keys(auths)) {
    for (const op of Object.keys(ops)) {
      for (const era of Object.keys(eras)) {
        const s = r.scenarios.find((x) => x.build === "current" && x.auth === auth && x.op === op && x.era === era);
        if (!s) continue; // no tool to call on this build
        const name = `${ops[op]} CPU/req, ${auths[auth]}, ${eras[era]}`;
        const base = r.scenarios.find((x) => x.id === baselineIdFor(s));
        const vsBaseline = s.cpuVsBaseline;
        const fromBaseline = () =>
          rows.push({
            ...againstBaseline(name, "µs", s.serverCpuUsPerReq, base?.serverCpuUsPerReq),
            ratio: vsBaseline,
            range: vsBaseline === undefined ? undefined : [s.cpuVsBaselineMin, s.cpuVsBaselineMax],
            pass: vsBaseline === undefined ? undefined : vsBaseline <= BUDGETS.otherwise.max,
          });
        if (!(auth === "open" && op === "call")) {
          fromBaseline();
          continue;
        }
        const peers = r.scenarios.filter((x) => x.peer && x.op === op && x.era === era);
        if (!peers.length) {
          fromBaseline();
          rows.at(-1).note = r.peers ? "no peer speaks this era" : "no peers in this run (--peers)";
          continue;
        }
        const cheapest = peers.reduce((a, b) => (b.serverCpuUsPerReq < a.serverCpuUsPerReq ? b : a));
        // Interleaved rounds: the ratio of each round's runs, then their median.
        const perRound = s.runs.map((run, i) => run.serverCpuUsPerReq / cheapest.runs[i].serverCpuUsPerReq);
        const ratio = median(perRound);
        // The SDK alone, driven as cheaply as it can be (floor v2-lean), against the same peer in
        // the same rounds: the least any Worker on this engine can reach.
        const lean = r.scenarios.find((x) => x.server === "ref-v2-lean" && x.op === op && x.era === era);
        const leanRatio =
          lean && median(lean.runs.map((run, i) => run.serverCpuUsPerReq / cheapest.runs[i].serverCpuUsPerReq));
        rows.push({
          name,
          reference: `cheapest peer: ${cheapest.peer}`,
          referenceValue: cheapest.serverCpuUsPerReq,
          value: s.serverCpuUsPerReq,
          unit: "µs",
          ratio,
          range: [Math.min(...perRound), Math.max(...perRound)],
          budget: times(BUDGETS.call.max),
          pass: ratio <= BUDGETS.call.max,
          vsBaseline,
          ...(leanRatio !== undefined && { leanFloor: { value: lean.serverCpuUsPerReq, ratio: leanRatio } }),
        });
      }
    }
  }

  // This build's and the baseline's answers; a floor's or a peer's failures are shown in their tables.
  const own = r.scenarios.filter((x) => x.build !== "reference");
  const failures = own.reduce((n, x) => n + x.errors + x.non2xx, 0);
  rows.push({
    name: "errors and non-2xx under load",
    reference: "absolute",
    value: failures,
    unit: `of ${own.reduce((n, x) => n + x.requests, 0)}`,
    budget: "0",
    pass: failures === 0,
  });
  return rows;
}
