import type { PreflightReport, Status } from "./checks.ts";

const MARK: Record<Status, string> = { pass: "✔", fail: "✘", warn: "!", skip: "–" };
const COLOR: Record<Status, string> = { pass: "32", fail: "31", warn: "33", skip: "2" };

/** The checklist as people read it: ✔/✘ per check, the fix under each ✘ and warning. */
export function formatReport(report: PreflightReport, { color = false } = {}): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines = [
    `Smithery preflight: ${report.target?.mcpUrl ?? report.input}`,
    paint("2", `as ${report.userAgent}`),
    "",
  ];
  for (const check of report.checks) {
    lines.push(`${paint(COLOR[check.status], MARK[check.status])} ${check.title}: ${check.detail}`);
    if (check.fix && (check.status === "fail" || check.status === "warn")) {
      lines.push(`    ${paint("1", "fix:")} ${check.fix}`);
    }
  }
  lines.push("");
  const { fail, warn } = report.counts;
  const warnings = warn ? ` (${warn} warning${warn === 1 ? "" : "s"})` : "";
  if (report.ok) {
    const local = report.target && /^http:/.test(report.target.mcpUrl);
    lines.push(
      paint("32", `Ready: nothing blocks Smithery's scan${warnings}.`) +
        (local
          ? " Deploy, run the preflight on the https URL, then: npm run publish:smithery -- <url> -n <org>/<name>"
          : ` Publish: npm run publish:smithery -- ${report.target!.mcpUrl} -n <org>/<name>`),
    );
  } else {
    lines.push(
      paint("31", `${fail} blocking failure${fail === 1 ? "" : "s"}${warnings}: Smithery's scan would fail.`) +
        " Fix each ✘, then run the preflight again.",
    );
  }
  return lines.join("\n");
}
