#!/usr/bin/env node
// Prints one plain closing line for CI, "ci: N passed, N failed", summed over the test runs whose
// logs it is given: Vitest's "Tests  N passed | N failed (N)" and node --test's "ℹ pass N" /
// "ℹ fail N". Vitest is not a runner that CI tooling reads, and node --test's line would count
// only the browser tests, so this says what the whole run tested.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
  const text = readFileSync(file, "utf8").replace(/\u001b\[[0-9;]*m/g, "");
  const vitest = text.match(/^\s*Tests\s+(.*)\(\d+\)\s*$/m);
  if (vitest) {
    passed += Number(vitest[1].match(/(\d+) passed/)?.[1] ?? 0);
    failed += Number(vitest[1].match(/(\d+) failed/)?.[1] ?? 0);
  }
  passed += Number(text.match(/^ℹ pass (\d+)$/m)?.[1] ?? 0);
  failed += Number(text.match(/^ℹ fail (\d+)$/m)?.[1] ?? 0);
}
console.log(`ci: ${passed} passed, ${failed} failed`);
