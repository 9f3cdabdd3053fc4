#!/usr/bin/env node
// Proves the promises a fork relies on, each in a copy of this working tree (tracked and new
// files, node_modules symlinked, nothing here touched):
//   1. "without examples": every file in src/server/{tools,apps,resources,prompts}/ deleted (the
//      example capabilities, their views and their tests) with the example helper
//      src/server/temperature.ts; the registry regenerated; the type-check, and every test in test/
//      that sees src/template/mcp/'s capabilities (a file that calls `serving()` at its top serves the
//      harness fixtures throughout, test/fixtures/harness.ts, so it cannot tell the difference).
//   2. "README tool": the README's "Add a tool" file added byte for byte; the type-check and the
//      tests that check every capability (test/capabilities.test.ts and the registry's).
//   3. "without <part>", for each optional part (scripts/lib/optional-parts.mjs): its folder deleted,
//      and its block in wrangler.toml if it has one, nothing else; the registry and the Worker's
//      types regenerated; the type-check, the tests that can see the part (those that drive the
//      MCP endpoint: `sees` in the part's declaration), and the conformance suite (which builds the
//      upload first) without the part's own scenarios.
// All run side by side. Exits 1, printing the failing step's output, when any fails.
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
import { blockOf, folderOf, OPTIONAL_PARTS, withoutBlock } from "./lib/optional-parts.mjs";

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
// Two copies at a time: each runs Vitest with workers of its own, and more at once on a 2-core
// machine only slows each of them down (and their first tests toward their timeouts).
const results = await inTurns(2, [
  () =>
    check("without examples", (dir) => {
      for (const kind of KINDS) rmSync(join(dir, "src", "server", kind), { recursive: true, force: true });
      for (const helper of EXAMPLE_HELPERS) rmSync(join(dir, helper), { force: true });
      return seeingTheRegistry(dir);
    }),
  () =>
    readmeToolExists ||
    check("README tool", (dir) => {
      writeFileSync(join(dir, readmeTool.path), readmeTool.source);
      return README_TESTS;
    }),
  // A part this tree no longer has (a fork deleted it) has nothing left to prove.
  ...OPTIONAL_PARTS.filter((part) => existsSync(join(root, folderOf(part)))).map(
    (part) => () =>
      check(`without ${part.name}`, (dir) => {
        rmSync(join(dir, folderOf(part)), { recursive: true, force: true });
        if (part.wrangler) {
          const toml = readFileSync(join(dir, "wrangler.toml"), "utf8");
          if (!blockOf(toml, part)) throw new Error(`wrangler.toml has no block "# optional: ${part.name}"`);
          writeFileSync(join(dir, "wrangler.toml"), withoutBlock(toml, part));
        }
        // Only src/ and test/ can see a part: the scripts' and the views' type-checks are skipped.
        return { tests: seeingThePart(dir, part), types: part.wrangler, conformance: true, harnessOnly: true };
      }),
  ),
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
  const changed = change(dir);
  const {
    tests,
    types = false,
    conformance = false,
    harnessOnly = false,
  } = Array.isArray(changed) ? { tests: changed } : changed;
  const capabilities = KINDS.map((kind) => {
    const folder = join(dir, "src", "server", kind);
    return `${kind} ${existsSync(folder) ? readdirSync(folder).filter((f) => /^[^_].*(?<!\.test)\.ts$/.test(f)).length : 0}`;
  }).join(", ");
  const bin = (pkg, path) => join(root, "node_modules", pkg, path);
  const steps = [
    ["registry", [process.execPath, "scripts/registry.mjs"]],
    // The Worker's types follow wrangler.toml (a binding deleted with its part).
    ...(types
      ? [["wrangler types", [process.execPath, bin("wrangler", "bin/wrangler.js"), "types", "--strict-vars=false"]]]
      : []),
    ["tsc", [process.execPath, bin("typescript", "bin/tsc")]],
    ...(harnessOnly
      ? []
      : [
          ["tsc -p scripts", [process.execPath, bin("typescript", "bin/tsc"), "-p", "scripts"]],
          [
            "tsc -p tsconfig.browser.json",
            [process.execPath, bin("typescript", "bin/tsc"), "-p", "tsconfig.browser.json"],
          ],
        ]),
    [`vitest (${tests.length} files)`, [process.execPath, bin("vitest", "vitest.mjs"), "run", ...tests]],
    ...(conformance ? [["conformance", [process.execPath, "scripts/conformance.mjs"]]] : []),
  ];
  for (const [name, [command, ...args]] of steps) {
    const { code, output } = await run(command, args, dir);
    if (code !== 0) {
      console.error(`[${seconds()}] ${label}: ${name} FAILED (${capabilities})\n${output}`);
      return false;
    }
    const plain = stripVTControlCharacters(output);
    const skipped = [...plain.matchAll(/^fixtures ([\d-]+): not scored, they need [^:]*: ([^\n]*)/gm)]
      .map(([, revision, names]) => `; not scored at ${revision}: ${names}`)
      .join("");
    const tally = (/Tests\s+(\d+ passed[^\n]*)/.exec(plain) ?? /^(No unexpected results\.[^\n]*)/m.exec(plain))?.[1];
    console.log(`[${seconds()}] ${label}: ${name} ✔${tally ? ` (${tally.trim()}${skipped})` : ""}`);
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

/**
 * The test files that can tell whether `part` is there: every test, in test/ and beside the
 * examples in src/server/, whose text matches the part's `sees` (they drive the MCP endpoint in
 * a way the part changes). The part's own tests went with its folder.
 */
function seeingThePart(dir, part) {
  const found = [];
  const walk = (folder) => {
    for (const entry of readdirSync(join(dir, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".test.ts") && part.sees.test(readFileSync(join(dir, path), "utf8")))
        found.push(path);
    }
  };
  walk("test");
  walk("src");
  return found.sort();
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

/** Runs `jobs`, at most `width` at a time, and returns their results in order. */
async function inTurns(width, jobs) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}
