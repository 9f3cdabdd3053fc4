// What the bench measures, declared once: the baseline it compares with and the tool it calls.

/**
 * The build the bench compares with, side by side in the same run (`--baseline <ref>` overrides
 * it; `--baseline none` skips it). 7768d15 is the last main on the 1.x SDK (`@modelcontextprotocol/sdk`),
 * the tuned 2025-era path that issue 8 says the 2026-07-28 engine must not be slower or bigger than.
 * It only speaks the 2025 era, so both of the current build's eras are compared with that path.
 */
export const BASELINE_REF = "7768d15";

/**
 * The tool the load calls. The first of these that a build lists is used (each build chooses for
 * itself, so a fork that deletes the examples still benches): the example tool, whose call is
 * checked exactly, then any tool that takes no required argument, called with `{}` and checked
 * only for a result that is not an error.
 */
export const BENCH_TOOLS = [
  {
    name: "convert_temperature",
    arguments: { value: 100, from: "celsius", to: "fahrenheit" },
    check: (text) =>
      text.includes('"structuredContent"') && text.includes('"value":212') && !text.includes('"isError":true'),
  },
];

/** The protocol revision the 2025-era requests name (what today's clients send). */
export const LEGACY_VERSION = "2025-11-25";
/** The stateless revision. */
export const MODERN_VERSION = "2026-07-28";
