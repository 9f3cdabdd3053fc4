// What the bench measures, declared once: the baseline it compares with and the tool it calls.

/**
 * The build the bench compares with, side by side in the same run (`--baseline <ref>` overrides
 * it; `--baseline none` skips it): a commit of this repository, checked out and built the same
 * way. A baseline that speaks 2026-07-28 is compared era with era; one that speaks only 2025 (a
 * commit of the 1.x SDK line) is compared with its 2025 path in both eras.
 */
export const BASELINE_REF = "5343a0d";

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
