// npm run preflight -- <base-url> [--json] [--token <access-token>] [--timeout <seconds>]
//
// Scans a server the way Smithery's scanner does (its User-Agent, the same requests) and prints a
// checklist; exits 1 when something would make the scan fail, 2 on a usage error. The checks
// themselves are scripts/preflight/ (checks.ts runs them), which the test suite runs against the
// Worker too.
import { parseArgs } from "node:util";
import { runPreflight } from "./preflight/checks.ts";
import { formatReport } from "./preflight/report.ts";

const USAGE = `Usage: npm run preflight -- [base-url] [--json] [--token <access-token>] [--timeout <seconds>]

  base-url   the server (https://mcp.example.com) or its MCP URL; default http://localhost:8787
  --json     print the results as JSON
  --token    an access token: also list the tools of a server that needs sign-in
  --timeout  seconds to wait for each answer (default 10)`;

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      token: { type: "string" },
      timeout: { type: "string", default: "10" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
try {
  args = parse();
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const timeout = Number(args.values.timeout);
if (args.positionals.length > 1 || !(timeout > 0)) {
  console.error(USAGE);
  process.exit(2);
}

const report = await runPreflight(args.positionals[0] ?? "http://localhost:8787", {
  token: args.values.token,
  timeoutMs: timeout * 1000,
});
if (args.values.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(formatReport(report, { color: process.stdout.isTTY && !process.env.NO_COLOR }));
}
process.exitCode = report.ok ? 0 : 1;
