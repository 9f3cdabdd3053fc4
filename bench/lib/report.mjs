// The human-readable report: the budgets (each against the reference it names, in the same run),
// the floors and peers side by side, what each part of the upload weighs, then the load table.

export function render(r) {
  const lines = [];
  const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
  const base = r.baseline ? `baseline ${r.baseline.ref} (${r.baseline.sha.slice(0, 12)})` : "no baseline";
  lines.push(
    `MCP Worker bench — ${r.machine.cpus} × ${r.machine.cpu ?? "CPU"}, Node ${r.machine.node}, workerd ${r.machine.workerd}, load ${r.machine.loadavg.map((x) => x.toFixed(1)).join(" ")}`,
    `this build vs ${base}${r.floors ? ", the reference floors" : ""}${r.peers ? ", the peers" : ""}${r.synthetic?.count ? ` and this build with ${r.synthetic.count} more tools` : ""}; one workerd, direct loopback sockets; ${r.settings.connections} connections, ${r.settings.rounds} rounds × ${r.settings.durationMs / 1000} s per scenario, interleaved with the do-nothing Worker; cold and startup: median of ${r.settings.startupRuns} runs; tool: ${r.tool?.name ?? "none (tools/list only)"}`,
    "",
  );

  lines.push(
    ...table(
      ["budget", "judged against", "its figure", "this build", "ratio", "(min–max)", "budget", "× baseline", ""],
      r.budgets.map((b) => [
        b.name,
        b.reference,
        b.referenceValue === undefined
          ? ""
          : `${fmt(b.referenceValue, b.referenceUnit ?? b.unit)} ${b.referenceUnit ?? b.unit}`,
        `${fmt(b.value, b.unit)} ${b.unit}`,
        b.ratio === undefined ? "" : b.ratio.toFixed(2),
        b.range ? `${b.range[0].toFixed(2)}–${b.range[1].toFixed(2)}` : "",
        b.budget,
        b.vsBaseline === undefined ? "" : b.vsBaseline.toFixed(2),
        b.pass === undefined ? "n/a" : b.pass ? "PASS" : "FAIL",
      ]),
    ),
  );
  const notes = r.budgets.filter((b) => b.note).map((b) => `  ${b.name}: ${b.note}; judged against the baseline`);
  const lean = r.budgets
    .filter((b) => b.leanFloor)
    .map(
      (b) =>
        `  ${b.name}: the SDK alone, driven as cheaply as it can be (floor v2-lean), ${fmt(b.leanFloor.value, b.unit)} ${b.unit}, ${b.leanFloor.ratio.toFixed(2)}× ${b.reference}`,
    );
  lines.push(...notes, ...lean, "");

  if (r.floors) lines.push(...floorsTable(r), "");
  if (r.peers) lines.push(...peersTable(r), "");
  lines.push(...weightTable(r), "");
  if (r.synthetic?.count) {
    const s = r.synthetic.bundle;
    lines.push(
      `Synthetic ${r.synthetic.count} more tools: upload ${kib(s.rawBytes)} raw, ${kib(s.gzipBytes)} gzip, ${((s.gzipBytes - r.bundle.gzipBytes) / r.synthetic.count).toFixed(0)} bytes gzip per tool`,
    );
  } else if (r.synthetic?.error) lines.push(`Synthetic build: none (${r.synthetic.error})`);

  const bundleLine = (label, b) =>
    `${label}${kib(b.rawBytes)} raw, ${kib(b.gzipBytes)} gzip${b.oauthIncluded ? " (OAuth included)" : ""}   largest: ${b.parts
      .slice(0, 5)
      .map((p) => `${p.name} ${kib(p.bytes)}`)
      .join(", ")}`;
  const spread = (s) => `${s.medianActiveMs.toFixed(1)} ms (${s.minActiveMs.toFixed(1)}–${s.maxActiveMs.toFixed(1)})`;
  const capped = (s) => `${s.medianCappedMs.toFixed(1)} ms (${s.minCappedMs.toFixed(1)}–${s.maxCappedMs.toFixed(1)})`;
  const cpu = (s) => `${s.medianCpuMs.toFixed(1)} ms (${s.minCpuMs.toFixed(1)}–${s.maxCpuMs.toFixed(1)})`;
  lines.push(bundleLine("Bundle    ", r.bundle));
  if (r.baselineBundle) lines.push(bundleLine("Baseline  ", r.baselineBundle));
  lines.push(
    `Startup   evaluating the Worker's modules in a new isolate, workerd CPU: ${cpu(r.cold.startup)}${r.cold["baseline-startup"] ? `; baseline ${cpu(r.cold["baseline-startup"])}` : ""}`,
    `          \`wrangler check startup\` ×${r.startup.runs.length}, median, waits for a CPU capped: ${capped(r.startup)}${r.baselineStartup ? `; baseline ${capped(r.baselineStartup)}` : ""}`,
    `          as wrangler prints it (active): ${spread(r.startup)}${r.baselineStartup ? `; baseline ${spread(r.baselineStartup)}` : ""}`,
    `Cold      new isolate + first /mcp tools/list, workerd CPU: 2025-era ${cpu(r.cold.legacy)}, 2026-07-28 ${cpu(r.cold.modern)}${r.cold["baseline-legacy"] ? `; baseline ${cpu(r.cold["baseline-legacy"])}` : ""}`,
    `          profile active time: 2025-era ${spread(r.cold.legacy)}, 2026-07-28 ${spread(r.cold.modern)}${r.cold["baseline-legacy"] ? `; baseline ${spread(r.cold["baseline-legacy"])}` : ""}`,
    ...(r.cold["oauth-legacy"]
      ? [
          `          with OAuth (a bearer token issued beside it), workerd CPU: 2025-era ${cpu(r.cold["oauth-legacy"])}, 2026-07-28 ${r.cold["oauth-modern"] ? cpu(r.cold["oauth-modern"]) : "—"}${r.cold["baseline-oauth-legacy"] ? `; baseline ${cpu(r.cold["baseline-oauth-legacy"])}` : ""}`,
        ]
      : []),
    "",
  );

  lines.push(
    ...table(
      [
        "scenario",
        "req/s",
        "p50 ms",
        "p99 ms",
        "× floor",
        "CPU µs/req",
        "× floor CPU",
        "× baseline CPU",
        "(min–max)",
        "non-2xx",
        "errors",
      ],
      r.scenarios.map((s) => [
        s.label,
        s.rps.toFixed(0),
        s.p50Ms.toFixed(2),
        s.p99Ms.toFixed(2),
        s.ratio === undefined ? "1.00" : s.ratio.toFixed(2),
        Number.isNaN(s.serverCpuUsPerReq) ? "?" : s.serverCpuUsPerReq.toFixed(0),
        s.cpuRatio === undefined ? "1.00" : s.cpuRatio.toFixed(2),
        s.cpuVsBaseline === undefined ? "" : s.cpuVsBaseline.toFixed(2),
        s.cpuVsBaseline === undefined ? "" : `${s.cpuVsBaselineMin.toFixed(2)}–${s.cpuVsBaselineMax.toFixed(2)}`,
        String(s.non2xx),
        String(s.errors),
      ]),
    ),
    "",
  );

  for (const s of r.scenarios) {
    for (const p of s.problems ?? []) lines.push(`  ${s.label}: ${p}`);
  }
  if (r.profiles) {
    lines.push("Load profiles (self time, unminified builds)");
    for (const p of r.profiles) {
      lines.push(p.error ? `  ${p.label}: no profile (${p.error})` : `  ${p.label} → ${p.file}`);
      for (const f of p.hot.slice(0, 12)) lines.push(`    ${f.percent.toFixed(1).padStart(5)}%  ${f.fn}`);
    }
    lines.push("");
  }
  lines.push(r.pass ? "All budgets met." : "Some budgets are missed (FAIL above).", "");
  return lines.join("\n");
}

/**
 * The reference floors beside the baseline and this build, each cell "figure (× baseline)"; "—"
 * where a floor does not do what the row measures (bench/lib/floors.mjs says which).
 */
function floorsTable(r) {
  const ids = Object.keys(r.floorBundles);
  const cell = (c, unit) =>
    c ? `${fmt(c.value, unit)} ${unit}${c.ratio === undefined ? "" : ` (${c.ratio.toFixed(2)})`}` : "—";
  return [
    "Reference floors (bench/floors/: the mandated engine alone, one tool; figure (× baseline))",
    ...table(
      ["", "baseline", "this build", ...ids],
      r.floors.map((row) => [
        row.name,
        row.baseline === undefined ? "" : `${fmt(row.baseline, row.unit)} ${row.unit}`,
        cell(row.current, row.unit),
        ...ids.map((id) => cell(row.floors[id], row.unit)),
      ]),
    ),
  ];
}

/**
 * The peers beside this build, each cell "figure (× this build)"; "—" where a peer does not do
 * what the row measures, "failed" for one that could not be built, served or called.
 */
function peersTable(r) {
  const ids = Object.keys(r.peers);
  const cell = (c, unit) =>
    c
      ? `${fmt(c.value, unit)}${unit ? ` ${unit}` : ""}${c.ratio === undefined ? "" : ` (${c.ratio.toFixed(2)})`}`
      : "—";
  const lines = [
    "Peers (bench/peers/, from npm at bench/config.mjs's versions, the same one tool, no auth; figure (× this build))",
    ...table(
      ["", "this build", ...ids],
      r.peerRows.map((row) => [
        row.name,
        row.current ? cell(row.current, row.unit) : "",
        ...ids.map((id) => (r.peers[id].error ? "failed" : cell(row.peers[id], row.unit))),
      ]),
    ),
  ];
  for (const id of ids) {
    const p = r.peers[id];
    const versions = Object.entries(p.packages)
      .map(([name, version]) => `${name}@${version}`)
      .join(", ");
    lines.push(`  ${id} (${p.label}): ${versions}${p.error ? `; FAILED: ${p.error}` : ""}`);
    for (const note of p.notes ?? []) lines.push(`    ${note}`);
  }
  return lines;
}

/**
 * What each package and each folder of ours weighs in the upload (through its source map), this
 * build beside the baseline: raw bytes, and gzip of that part alone.
 */
function weightTable(r) {
  const parts = new Map();
  for (const p of r.bundle.parts) parts.set(p.name, { name: p.name, current: p });
  for (const p of r.baselineBundle?.parts ?? []) parts.set(p.name, { name: p.name, ...parts.get(p.name), base: p });
  const rows = [...parts.values()]
    .filter((p) => Math.max(p.current?.bytes ?? 0, p.base?.bytes ?? 0) >= 102)
    .sort((a, b) => (b.current?.bytes ?? 0) - (a.current?.bytes ?? 0));
  const k = (bytes) => (bytes === undefined ? "—" : (bytes / 1024).toFixed(1));
  const delta = (p) => {
    const d = (p.current?.bytes ?? 0) - (p.base?.bytes ?? 0);
    return r.baselineBundle ? `${d >= 0 ? "+" : ""}${(d / 1024).toFixed(1)}` : "";
  };
  return [
    "Upload by part (main module through its source map; KiB; gzip: the part compressed alone)",
    ...table(
      ["part", "raw", "gzip", ...(r.baselineBundle ? ["baseline raw", "baseline gzip", "Δ raw"] : [])],
      rows.map((p) => [
        p.name,
        k(p.current?.bytes),
        k(p.current?.gzipBytes),
        ...(r.baselineBundle ? [k(p.base?.bytes), k(p.base?.gzipBytes), delta(p)] : []),
      ]),
    ),
  ];
}

function fmt(value, unit) {
  if (unit === "ms/tool") return value.toFixed(3);
  if (unit === "KiB" || unit === "ms") return value.toFixed(1);
  return value.toFixed(0);
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row) =>
    row
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)];
}
