import { afterEach, beforeEach, inject, type MockInstance, vi } from "vitest";

/**
 * A quiet green run, without hiding failures. Many tests provoke errors on purpose (a refused
 * token, a broken CIMD document, a bad setting), and the Worker and the OAuth provider log each
 * one with console.error/warn, as they should in production. During a test those lines are
 * captured instead of printed:
 * - a test that fails gets its captured lines printed after it, so nothing that explains a
 *   failure is lost;
 * - a test can assert on what was logged with `logged()` (see test/landing.test.ts);
 * - TEST_LOGS=1 npm test prints everything as it happens.
 * Loaded for every test file by vitest.config.ts (`setupFiles`).
 */
const LEVELS = ["error", "warn"] as const;
type Level = (typeof LEVELS)[number];

let captured: { level: Level; args: unknown[] }[] = [];
const spies: MockInstance[] = [];

/** What the code under test logged with console.error/warn during the current test. */
export function logged(level?: Level): string[] {
  return captured
    .filter((line) => !level || line.level === level)
    .map((line) => line.args.map((a) => (a instanceof Error ? a.message : String(a))).join(" "));
}

declare module "vitest" {
  interface ProvidedContext {
    /** TEST_LOGS was set for `npm test` (vitest.config.ts provides it). */
    testLogs: boolean;
  }
}
const quiet = !inject("testLogs");

beforeEach(({ onTestFailed }) => {
  captured = [];
  if (!quiet) return;
  for (const level of LEVELS) {
    const original = console[level].bind(console);
    spies.push(
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void captured.push({ level, args })),
    );
    onTestFailed(() => {
      for (const line of captured.filter((l) => l.level === level))
        original(`[captured console.${level}]`, ...line.args);
    });
  }
});

afterEach(() => {
  for (const spy of spies.splice(0)) spy.mockRestore();
});
