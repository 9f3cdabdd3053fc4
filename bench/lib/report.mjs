// The human-readable report: one table of load results, the size and startup figures, and the
// budget verdicts.

export function render(r) {
  const lines = [];
  const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
  lines.push(
    `MCP Worker bench — ${r.machine.cpus} × ${r.machine.cpu ?? "CPU"}, Node ${r.machine.node}, workerd ${r.machine.workerd}`,
    `served by workerd (Miniflare) on direct loopback sockets; ${r.settings.connections} connections, ${r.settings.rounds} rounds × ${r.settings.durationMs / 1000} s per scenario, interleaved with the do-nothing Worker`,
    "",
    `Bundle   ${kib(r.bundle.rawBytes)} raw, ${kib(r.bundle.gzipBytes)} gzip${r.bundle.oauthIncluded ? " (OAuth included)" : ""}` +
      `   largest: ${r.bundle.byPackage
        .slice(0, 4)
        .map((p) => `${p.name} ${kib(p.bytes)}`)
        .join(", ")}`,
    `Startup  ${r.startup.medianActiveMs.toFixed(1)} ms active CPU, median of ${r.startup.runs.length} \`wrangler check startup\` runs (${r.startup.minActiveMs.toFixed(1)}–${r.startup.maxActiveMs.toFixed(1)})`,
    `Cold     ${r.coldToolsList.medianActiveMs.toFixed(1)} ms active CPU for startup + the first tools/list of a new isolate (MCP code loads on first use), median of ${r.coldToolsList.runs.length} (${r.coldToolsList.minActiveMs.toFixed(1)}–${r.coldToolsList.maxActiveMs.toFixed(1)})`,
    "",
  );

  const header = [
    "scenario",
    "req/s",
    "p50 ms",
    "p99 ms",
    "× floor",
    "(min–max)",
    "CPU µs/req",
    "× floor CPU",
    "non-2xx",
    "errors",
  ];
  const rows = r.scenarios.map((s) =>
    s.measured
      ? [
          s.label,
          s.rps.toFixed(0),
          s.p50Ms.toFixed(2),
          s.p99Ms.toFixed(2),
          s.ratio === undefined ? "1.00" : s.ratio.toFixed(2),
          s.ratio === undefined ? "" : `${s.ratioMin.toFixed(2)}–${s.ratioMax.toFixed(2)}`,
          Number.isNaN(s.serverCpuUsPerReq) ? "?" : s.serverCpuUsPerReq.toFixed(0),
          s.cpuRatio === undefined ? (s.id === "floor" ? "1.00" : "?") : s.cpuRatio.toFixed(2),
          String(s.non2xx),
          String(s.errors),
        ]
      : [s.label, "not measured (no OAuth in this build)", "", "", "", "", "", "", "", ""],
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((row) => row[2] !== "").map((row) => row[i].length)),
  );
  const fmt = (row) =>
    row[2] === "" && row[1].startsWith("not")
      ? `${row[0].padEnd(widths[0])}  ${row[1]}`
      : row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  lines.push(fmt(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(fmt), "");

  for (const s of r.scenarios) {
    for (const p of s.problems ?? []) lines.push(`  ${s.label}: ${p}`);
  }

  lines.push("Budgets");
  for (const b of r.budgets) {
    const mark = b.pass === undefined ? "n/a " : b.pass ? "PASS" : "FAIL";
    lines.push(`  ${mark}  ${b.name}: ${b.shown}`);
  }
  if (r.profiles) {
    lines.push("", "Load profiles (self time, unminified build)");
    for (const p of r.profiles) {
      lines.push(`  ${p.label} → ${p.file}`);
      for (const f of p.hot.slice(0, 12)) lines.push(`    ${f.percent.toFixed(1).padStart(5)}%  ${f.fn}`);
    }
  }
  lines.push("");
  return lines.join("\n");
}
