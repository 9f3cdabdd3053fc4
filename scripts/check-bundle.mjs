#!/usr/bin/env node
// Builds the Worker as `wrangler deploy` would (`--dry-run`, nothing uploaded) and checks what went
// into the bundle: Workers forbid code generation at run time, so Ajv (which compiles schemas with
// `new Function`) must not be there. The SDK's JSON Schema validator is the Zod-based form validator
// the shim hands it (src/template/mcp/form-validator.ts); @cfworker/json-schema is only the tests'
// reference. CI runs this (.ci/run); `npm run check:bundle` runs it by hand.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = mkdtempSync(join(tmpdir(), "bundle-"));
try {
  execFileSync(
    process.execPath,
    [join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", out],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const code = readFileSync(join(out, "index.js"), "utf8");
  const { sources } = JSON.parse(readFileSync(join(out, "index.js.map"), "utf8"));
  const ajv = sources.filter((s) => /[\\/]node_modules[\\/](ajv|ajv-formats)[\\/]/.test(s));
  const problems = [
    ...(ajv.length > 0 ? [`Ajv is bundled (${ajv.length} files, e.g. ${ajv[0]}): who imports it?`] : []),
    ...(/\bnew Function\s*\(/.test(code) ? ["the bundle calls `new Function(`, which Workers refuse"] : []),
    ...(sources.some((s) => /src[\\/]template[\\/]mcp[\\/]form-validator\.ts$/.test(s))
      ? []
      : ["the form validator (src/template/mcp/form-validator.ts) is missing: which validator does the SDK use?"]),
    ...(sources.some((s) => /@cfworker[\\/]json-schema/.test(s))
      ? ["@cfworker/json-schema is bundled: the shim's form validator should stand in for it"]
      : []),
  ];
  if (problems.length > 0) {
    for (const p of problems) console.error(`✘ ${p}`);
    process.exit(1);
  }
  console.log(
    `✔ bundle: ${sources.length} sources, no Ajv, no new Function, the form validator and not @cfworker/json-schema`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
