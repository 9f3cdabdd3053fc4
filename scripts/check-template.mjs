#!/usr/bin/env node
// Proves the two promises a fork relies on, each in a copy of this working tree (tracked and new
// files, node_modules symlinked, nothing here touched):
//   1. "without examples": every file in src/server/{tools,apps,resources,prompts}/ deleted (the
//      example capabilities, their views and their tests) with the example helper
//      src/server/temperature.ts; the registry regenerated; the type-check, and every test in test/
//      that sees src/template/mcp/'s capabilities (a file that calls `serving()` at its top serves the
//      harness fixtures throughout, test/fixtures/harness.ts, so it cannot tell the difference).
//   2. "README tool": the README's "Add a tool" file added byte for byte; the type-check and the
//      tests that check every capability (test/capabilities.test.ts and the registry's).
// The two run side by side. Exits 1, printing the failing step's output, when either fails.
//
//   node scripts/check-template.mjs            # both
//   node scripts/check-template.mjs --keep     # and leave the copies in the temp dir to look at
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const keep = process.argv.includes("--keep");
const KINDS = ["tools", "apps", "resources", "prompts"];
/** Example code that is not a capability: the temperature tools' shared arithmetic. */
const EXAMPLE_HELPERS = ["src/server/temperature.ts"];
/** What the README tool needs checked: the test that iterates every capability, and the registry's. */
const README_TESTS = ["test/capabilities.test.ts", "test/registry.test.ts"];
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const work = mkdtempSync(join(tmpdir(), "check-template-"));

const files = (await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], root)).output
  .split("\0")
  .filter((f) => f && existsSync(join(root, f)));

const readmeTool = await addToolExample();
// A fork that followed the README has the file already: `npm test` checks it there.
const readmeToolExists = existsSync(join(root, readmeTool.path));
if (readmeToolExists) console.log(`README tool: ${readmeTool.path} exists already; npm test checks it`);
const results = await Promise.all([
  check("without examples", (dir) => {
    for (const kind of KINDS) rmSync(join(dir, "src", "server", kind), { recursive: true, force: true });
    for (const helper of EXAMPLE_HELPERS) rmSync(join(dir, helper), { force: true });
    return seeingTheRegistry(dir);
  }),
  readmeToolExists
    ? true
    : check("README tool", (dir) => {
        writeFileSync(join(dir, readmeTool.path), readmeTool.source);
        return README_TESTS;
      }),
]);
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`copies kept in ${work}`);
process.exit(results.every(Boolean) ? 0 : 1);

/**
 * A copy of the tree, changed by `change` (which returns the test files to run), then: registry, tsc for the Worker, the scripts and the views, and Vitest.
 */
async function check(label, change) {
  const dir = join(work, label.replace(/\W+/g, "-"));
  mkdirSync(dir);
  for (const file of files) cpSync(join(root, file), join(dir, file), { recursive: false });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  const tests = change(dir);
  const capabilities = KINDS.map((kind) => {
    const folder = join(dir, "src", "server", kind);
    return `${kind} ${existsSync(folder) ? readdirSync(folder).filter((f) => /^[^_].*(?<!\.test)\.ts$/.test(f)).length : 0}`;
  }).join(", ");
  const bin = (pkg, path) => join(root, "node_modules", pkg, path);
  const steps = [
    ["registry", [process.execPath, "scripts/registry.mjs"]],
    ["tsc", [process.execPath, bin("typescript", "bin/tsc")]],
    ["tsc -p scripts", [process.execPath, bin("typescript", "bin/tsc"), "-p", "scripts"]],
    ["tsc -p tsconfig.browser.json", [process.execPath, bin("typescript", "bin/tsc"), "-p", "tsconfig.browser.json"]],
    [`vitest (${tests.length} files)`, [process.execPath, bin("vitest", "vitest.mjs"), "run", ...tests]],
  ];
  for (const [name, [command, ...args]] of steps) {
    const { code, output } = await run(command, args, dir);
    if (code !== 0) {
      console.error(`[${seconds()}] ${label}: ${name} FAILED (${capabilities})\n${output}`);
      return false;
    }
    const tally = /Tests\s+(\d+ passed[^\n]*)/.exec(stripVTControlCharacters(output))?.[1];
    console.log(`[${seconds()}] ${label}: ${name} ✔${tally ? ` (${tally.trim()})` : ""}`);
  }
  console.log(`[${seconds()}] ${label}: OK (${capabilities})`);
  return true;
}

/** The test files in test/ that do not serve the harness fixtures throughout (`serving()` at the top). */
function seeingTheRegistry(dir) {
  return readdirSync(join(dir, "test"))
    .filter((f) => f.endsWith(".test.ts"))
    .filter((f) => !/^serving\((emptyRegistry)?\);$/m.test(readFileSync(join(dir, "test", f), "utf8")))
    .map((f) => `test/${f}`);
}

/** The README's "Add a tool" file: the path it says to create and the code block after it. */
async function addToolExample() {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const section = /^## Add a tool\n([\s\S]*?)^## /m.exec(readme)?.[1];
  const found = section && /Create\s+`(src\/server\/tools\/[\w-]+\.ts)`:\s*\n+```ts\n([\s\S]*?)```/.exec(section);
  if (!found) {
    console.error(
      'README.md has no "## Add a tool" section that says: Create `src/server/tools/<name>.ts`: ```ts …```',
    );
    process.exit(1);
  }
  const [, path, source] = found;
  return { path, source };
}

function run(command, args, cwd) {
  return new Promise((resolveRun) => {
    const env = { ...process.env, PWD: cwd, FORCE_COLOR: "0", NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" };
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolveRun({ code: code ?? 1, output }));
  });
}
