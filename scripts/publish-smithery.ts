// npm run publish:smithery -- <url> -n <org>/<name> [--dry-run] [--skip-preflight]
// npm run publish:smithery -- --resume -n <org>/<name> [--dry-run]
//
// Publishes the deployed server on Smithery with this server's session schema
// (src/server/session.ts): prints the exact `smithery mcp publish` invocation, runs the preflight
// (scripts/preflight/checks.ts) so a scan that would fail is caught here, then runs Smithery's CLI.
// `--dry-run` only prints. Log in first: npx -y @smithery/cli@4 auth login
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { configSchemaOrExit, SMITHERY_CLI, shellQuote } from "./lib/smithery.ts";
import { runPreflight } from "./preflight/checks.ts";
import { formatReport } from "./preflight/report.ts";

const USAGE = `Usage: npm run publish:smithery -- <url> -n <org>/<name> [--dry-run] [--skip-preflight]
       npm run publish:smithery -- --resume -n <org>/<name> [--dry-run]

  url               your deployed server (https://…; /mcp is added when the URL has no path)
  -n, --name        the server's name on Smithery: your namespace, a slash, a name
  --resume          continue the latest publish (after you authorized Smithery's scan)
  --dry-run         print the command, run nothing
  --skip-preflight  publish even if the preflight finds a problem

Log in to Smithery first: npx -y ${SMITHERY_CLI} auth login`;

function usage(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      name: { type: "string", short: "n" },
      resume: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      "skip-preflight": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const name = values.name ?? usage("Give the server's name on Smithery: -n <org>/<name>.");
if (!/^@?[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
  usage(`"${name}" is not <org>/<name> (letters, digits, ".", "_", "-").`);
}

let url: string | undefined;
const args = ["-y", SMITHERY_CLI, "mcp", "publish"];
if (values.resume) {
  if (positionals.length > 0) usage("--resume continues the latest publish: give no URL.");
  args.push("--resume", "-n", name);
} else {
  if (positionals.length !== 1) usage("Give the URL of your deployed server.");
  url = mcpUrl(positionals[0]!);
  args.push(url, "-n", name, "--config-schema", JSON.stringify(configSchemaOrExit()));
}

console.log(`${values["dry-run"] ? "Would run" : "Running"}:\n\n  npx ${args.map(shellQuote).join(" ")}\n`);
if (values["dry-run"]) {
  console.log(`(Dry run: nothing was run. Log in first with: npx -y ${SMITHERY_CLI} auth login)`);
  process.exit(0);
}

if (url && !values["skip-preflight"]) {
  const report = await runPreflight(url);
  if (!report.ok) {
    console.error(formatReport(report, { color: process.stderr.isTTY && !process.env.NO_COLOR }));
    console.error("\nNot published: Smithery's scan would fail. Fix the above, or pass --skip-preflight.");
    process.exit(1);
  }
  console.log(
    `Preflight: ${report.counts.pass} checks passed${report.counts.warn ? `, ${report.counts.warn} warning(s)` : ""}.\n`,
  );
}

const child = spawn(process.platform === "win32" ? "npx.cmd" : "npx", args, { stdio: "inherit" });
child.on("error", (error) => {
  console.error(`Could not run npx: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (code === 0 && url) {
    console.log("\nWhen sign-in is on, Smithery pauses to let you authorize its scan: open the link it printed,");
    console.log(`approve, then run: npm run publish:smithery -- --resume -n ${name}`);
  }
  process.exit(code ?? (signal ? 1 : 0));
});

/** Smithery is given the MCP endpoint; a bare origin means this template's /mcp. */
function mcpUrl(input: string): string {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    usage(`"${input}" is not a URL.`);
  }
  if (parsed.protocol !== "https:") {
    usage(`Smithery must reach the server over https: deploy (npm run deploy) and give that URL, not ${input}.`);
  }
  if (parsed.pathname === "/") parsed.pathname = "/mcp";
  parsed.hash = "";
  return parsed.href;
}
