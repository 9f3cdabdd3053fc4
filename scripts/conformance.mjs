#!/usr/bin/env node
// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned) against
// this Worker, both protocol revisions, through `wrangler dev` on loopback:
//   1. the fixture Worker (test/conformance/wrangler.toml: src/template/index.ts serving the suite's
//      test_* tools, resources and prompts, with the bindings of the optional parts present copied
//      from wrangler.toml): every scored server scenario of the frozen requirement sets 2025-11-25
//      and 2026-07-28, but those of an optional part that was deleted (scripts/lib/optional-parts.mjs);
//   2. the template's default build (wrangler.toml, MCP_AUTH=none): the scenarios that need no
//      fixture (initialize, lists, discovery, caching, Origin checks, ...);
// after checking that the production bundle (`wrangler deploy --dry-run`) holds no fixture.
// Prints a summary, stops its servers, and exits 1 on any scored failure that is not a known,
// documented one (test/conformance/known-failures.txt), or on a known one that now passes.
//
//   npm run conformance
//   npm run conformance -- --verbose     # also every failing check's message, and the suite's output
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { blockOf, folderOf, OPTIONAL_PARTS } from "./lib/optional-parts.mjs";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const REVISIONS = ["2025-11-25", "2026-07-28"];
/** Scored scenarios that call no test_* fixture: what the default build must pass as it ships. */
const FIXTURE_FREE = {
  "2025-11-25": [
    "server-initialize",
    "ping",
    "tools-list",
    "resources-list",
    "prompts-list",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
  ],
  "2026-07-28": [
    "tools-list",
    "resources-list",
    "prompts-list",
    "server-sse-multiple-streams",
    "sep-2164-resource-not-found",
    "dns-rebinding-protection",
    "caching",
    "input-required-result-unsupported-methods",
  ],
};
/**
 * The default build offers only the kinds src/template/mcp/ has (a fork may delete any or every example):
 * a scenario that calls a list method of a kind it has none of is not run against it (those
 * methods are then no methods of the server, as the spec has it). Each entry lists what the
 * scenario needs, every group of it, where one kind of a group is enough. The fixtures offer all.
 */
const TOOLS = ["tools", "apps"];
const RESOURCES = ["resources", "apps"];
const NEEDS = {
  "tools-list": [TOOLS],
  "resources-list": [RESOURCES],
  "prompts-list": [["prompts"]],
  "sep-2164-resource-not-found": [RESOURCES],
  // Three concurrent tools/list (2026-07-28; the 2025 leg of it posts nothing a kind decides).
  "2026-07-28 server-sse-multiple-streams": [TOOLS],
  // Cache hints on all four lists.
  caching: [TOOLS, RESOURCES, ["prompts"]],
};
/** One requirement set takes seconds; this only stops a wedged run. */
const RUN_TIMEOUT_MS = 180_000;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const suite = join(root, "node_modules", "@modelcontextprotocol", "conformance");
const verbose = process.argv.includes("--verbose");
const known = readKnownFailures(join(root, "test", "conformance", "known-failures.txt"));
const outputRoot = mkdtempSync(join(tmpdir(), "mcp-conformance-"));
/** The optional parts present; a deleted one's scenarios are not scored (they need it). */
const parts = OPTIONAL_PARTS.filter((part) => existsSync(join(root, folderOf(part), "index.ts")));
const deleted = OPTIONAL_PARTS.filter((part) => !parts.includes(part));

const servers = [];
// wrangler-dev.mjs kills its servers if this process exits first.
process.on("exit", () => rmSync(outputRoot, { recursive: true, force: true }));
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await Promise.all(servers.map((server) => server.stop()));
    process.exit(130);
  });
}

const started = Date.now();
const version = JSON.parse(readFileSync(join(suite, "package.json"), "utf8")).version;
console.log(`MCP conformance suite ${version}, server scenarios, against wrangler dev on loopback\n`);

const rows = [];
try {
  await checkNoFixturesInProduction();
  // Both Workers start side by side (wrangler's startup is most of the time), then run in turn.
  const [fixtures, template] = await Promise.all([
    startWorker("fixtures", ["-c", fixtureConfig()]),
    // The suite is one client asking hundreds of questions a minute: the per-caller limits off.
    startWorker("default", ["--var", "MCP_AUTH:none", "--var", "RATE_LIMITS:off"]),
  ]);
  for (const revision of REVISIONS) {
    const needDeleted = new Set(deleted.flatMap((part) => part.scenarios[revision] ?? []));
    if (needDeleted.size) {
      console.log(
        `fixtures ${revision}: not scored, they need ${deleted.map((part) => part.name).join(", ")} (deleted): ${[...needDeleted].join(", ")}`,
      );
    }
    rows.push(
      await runSet(
        fixtures,
        revision,
        scoredScenarios(revision).filter((name) => !needDeleted.has(name)),
      ),
    );
  }
  for (const revision of REVISIONS) {
    const offered = FIXTURE_FREE[revision].filter((scenario) => offeredByTheTemplate(revision, scenario));
    const skipped = FIXTURE_FREE[revision].filter((scenario) => !offered.includes(scenario));
    if (skipped.length)
      console.log(`default ${revision}: not run, src/template/mcp/ has none of what they list: ${skipped.join(", ")}`);
    rows.push(await runSet(template, revision, offered));
  }
} catch (error) {
  console.error(`\n${error.message}`);
  for (const server of servers)
    if (server.log()) console.error(`\nwrangler dev (${server.name}) said:\n${server.log()}`);
  await Promise.all(servers.map((server) => server.stop()));
  process.exit(1);
}
await Promise.all(servers.map((server) => server.stop()));

// The summary: one line per run, then what failed and what is known to.
let failed = 0;
for (const row of rows) {
  const unexpected = row.failing.filter((name) => !known.has(`${row.revision} ${name}`));
  const stale = [...known]
    .filter((entry) => row.server === "fixtures" && entry.startsWith(`${row.revision} `))
    .map((entry) => entry.slice(row.revision.length + 1))
    .filter((name) => row.scenarios.has(name) && !row.failing.includes(name));
  failed += unexpected.length + stale.length;
  const knownHere = row.failing.length - unexpected.length;
  console.log(
    `${unexpected.length + stale.length ? "FAIL" : "PASS"}  ${row.server.padEnd(8)} ${row.revision}  ` +
      `${row.passed}/${row.scenarios.size} scored scenarios, ${row.checksPassed}/${row.checks} checks` +
      (knownHere
        ? `  (${knownHere} known failure${knownHere > 1 ? "s" : ""}: ${row.failing.filter((n) => !unexpected.includes(n)).join(", ")})`
        : ""),
  );
  for (const name of unexpected) {
    console.log(`        ✗ ${name}`);
    for (const check of row.failures.get(name) ?? []) console.log(`            ${check}`);
  }
  for (const name of stale)
    console.log(`        ! ${name} passes now: remove it from test/conformance/known-failures.txt`);
  if (row.notScored.length) console.log(`        not scored (optional): ${row.notScored.join(", ")}`);
}
console.log(
  `\n${failed ? `${failed} unexpected result(s).` : "No unexpected results."} ${Math.round((Date.now() - started) / 1000)} s`,
);
process.exit(failed ? 1 : 0);

/** Whether src/server/ has what the scenario needs (capability files, as scripts/registry.mjs counts them). */
function offeredByTheTemplate(revision, scenario) {
  const has = (kind) => {
    const dir = join(root, "src", "server", kind);
    return (
      existsSync(dir) &&
      readdirSync(dir).some((f) => /\.ts$/.test(f) && !/\.(test|spec|d)\.ts$/.test(f) && !f.startsWith("_"))
    );
  };
  const groups = NEEDS[`${revision} ${scenario}`] ?? NEEDS[scenario] ?? [];
  return groups.every((group) => group.some(has));
}

/**
 * The fixtures are for the suite only: the default build's bundle (what `wrangler deploy` would
 * upload) must not contain one. Built with `--dry-run`, offline, while nothing else runs.
 */
async function checkNoFixturesInProduction() {
  const out = join(outputRoot, "bundle");
  const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  const { code, output } = await run(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", out]);
  if (code !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${output}`);
  const bundle = readdirSync(out)
    .filter((file) => file.endsWith(".js"))
    .map((file) => readFileSync(join(out, file), "utf8"))
    .join("\n");
  const leaked = ["test_simple_text", "test_input_required_result", "conformanceRegistry"].filter((name) =>
    bundle.includes(name),
  );
  if (leaked.length) throw new Error(`The production bundle contains conformance fixtures: ${leaked.join(", ")}`);
  console.log("The production bundle (wrangler deploy --dry-run) holds no conformance fixture.\n");
}

/**
 * The fixture Worker's configuration: test/conformance/wrangler.toml, with the blocks of the
 * optional parts present copied from the template's wrangler.toml (their Durable Object bindings),
 * written next to the run's output (so `main` is made absolute).
 */
function fixtureConfig() {
  const fixture = readFileSync(join(root, "test", "conformance", "wrangler.toml"), "utf8")
    .replace(/^#:schema .*\n/m, "")
    .replace(/^main = "worker\.ts"$/m, `main = ${JSON.stringify(join(root, "test", "conformance", "worker.ts"))}`);
  const template = readFileSync(join(root, "wrangler.toml"), "utf8");
  const blocks = parts.filter((part) => part.wrangler).map((part) => blockOf(template, part) ?? "");
  const path = join(outputRoot, "wrangler.toml");
  writeFileSync(path, [fixture, ...blocks].join("\n"));
  return path;
}

/** The scored server scenarios of a frozen requirement set, from the file the suite ships. */
function scoredScenarios(revision) {
  const text = readFileSync(join(suite, "requirements", `${revision}.yaml`), "utf8");
  const section = text.split(/^server:\s*$/m)[1]?.split(/^\S/m)[0] ?? "";
  return [...section.matchAll(/^\s+-\s+([\w./-]+)\s*$/gm)].map((match) => match[1]);
}

/** `<revision> <scenario>` lines; `#` starts a comment (the reason is written there). */
function readKnownFailures(path) {
  const lines = readFileSync(path, "utf8").split("\n");
  return new Set(lines.map((line) => line.replace(/#.*/, "").trim()).filter(Boolean));
}

/**
 * Runs one requirement set (`scenarios`: the names to score) with the suite's own runner, which
 * runs each scenario at that revision's wire, and reads every scenario's checks from its output.
 */
async function runSet(server, revision, scenarios) {
  const out = join(outputRoot, `${server.name}-${revision}`);
  const { output } = await run(process.execPath, [
    join(suite, "dist", "index.js"),
    "server",
    "--url",
    server.url,
    "--requirements",
    revision,
    "--output-dir",
    out,
  ]);
  if (verbose) process.stdout.write(output);
  const results = readResults(out);
  const row = {
    server: server.name,
    revision,
    scenarios: new Set(scenarios),
    passed: 0,
    checks: 0,
    checksPassed: 0,
    failing: [],
    failures: new Map(),
    notScored: [],
  };
  for (const name of scenarios) {
    const checks = results.get(name);
    if (!checks) {
      row.failing.push(name);
      row.failures.set(name, ["did not run (see --verbose)"]);
      continue;
    }
    const failures = checks.filter((check) => check.status === "FAILURE");
    row.checks += checks.filter((check) => check.status === "SUCCESS" || check.status === "FAILURE").length;
    row.checksPassed += checks.filter((check) => check.status === "SUCCESS").length;
    if (failures.length === 0) row.passed++;
    else {
      row.failing.push(name);
      row.failures.set(
        name,
        failures.map((check) => `${check.id}: ${(check.errorMessage ?? check.description ?? "").slice(0, 200)}`),
      );
    }
  }
  if (server.name === "fixtures") {
    for (const [name, checks] of results) {
      if (!row.scenarios.has(name) && checks.some((check) => check.status === "FAILURE")) row.notScored.push(name);
    }
  }
  return row;
}

/** scenario name → its checks, from the suite's output directory (one folder per scenario run). */
function readResults(out) {
  const results = new Map();
  let folders = [];
  try {
    folders = readdirSync(out);
  } catch {
    return results;
  }
  for (const folder of folders) {
    const name = folder.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, "");
    try {
      results.set(name, JSON.parse(readFileSync(join(out, folder, "checks.json"), "utf8")));
    } catch {}
  }
  return results;
}

/** `wrangler dev` on a free loopback port, in its own process group; resolves once it answers. */
/** The Worker under `wrangler dev` (scripts/lib/wrangler-dev.mjs), named for the summary. */
async function startWorker(name, args) {
  const server = await startWranglerDev({ args });
  const entry = { name, url: `${server.origin}/mcp`, stop: server.stop, log: server.log };
  servers.push(entry);
  return entry;
}

/** Runs a command to completion (killed after RUN_TIMEOUT_MS) and resolves with its output. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}
