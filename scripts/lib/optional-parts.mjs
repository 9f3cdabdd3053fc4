// The optional parts of the harness (docs/optional-parts.md), declared once: each is one folder
// under src/template/optional/ that the endpoint reaches through one seam (src/template/mcp/seams.ts).
// scripts/registry.mjs lists the ones present for the Worker; scripts/check-template.mjs deletes
// each in a copy of the tree and proves the rest still holds; scripts/conformance.mjs scores the
// suite without a deleted part's own scenarios. A part is removed by deleting its folder and, if
// it has one, its block in wrangler.toml (between `# optional: <name>` and `# end of optional: <name>`).

/**
 * @typedef {object} OptionalPart
 * @property {string} name       the folder's name, and the block's name in wrangler.toml
 * @property {string} seam       its key in the `Parts` seam (src/template/mcp/seams.ts)
 * @property {boolean} wrangler  whether it has a block in wrangler.toml (a binding)
 * @property {Record<string, string[]>} scenarios  conformance scenarios that need it, per revision
 * @property {RegExp} sees       what a test file says when it can see the part (scripts/check-template.mjs
 *                               runs those without it): the requests whose answers the part is in
 */

/** @type {OptionalPart[]} */
export const OPTIONAL_PARTS = [
  {
    name: "isolate-cache",
    seam: "isolateCache",
    wrangler: false,
    scenarios: {},
    // The lists and discovery: what it answers once per isolate.
    sees: /tools\/list|listTools|resources\/list|listResources|resources\/templates\/list|prompts\/list|listPrompts|server\/discover/,
  },
  {
    name: "questions",
    seam: "questions",
    wrangler: true,
    // The 2025-era scenarios whose tools ask the client mid-call.
    scenarios: {
      "2025-11-25": [
        "tools-call-sampling",
        "tools-call-elicitation",
        "elicitation-sep1034-defaults",
        "elicitation-sep1330-enums",
      ],
    },
    // 2025-era clients, their session ids, and asking for input.
    sees: /Mcp-Session-Id|elicitation|sampling|roots|inputRequired|canAskUser|legacyClient|CLIENT_KINDS/,
  },
];

/** The folder of a part, relative to the repository's root. */
export const folderOf = (part) => `src/template/optional/${part.name}`;

/** The text of `wrangler.toml` without the block of `part` (or unchanged when it has none). */
export function withoutBlock(toml, part) {
  return toml.replace(blockPattern(part), "");
}

/** The block of `part` in `wrangler.toml`, or undefined. */
export function blockOf(toml, part) {
  return blockPattern(part).exec(toml)?.[0];
}

function blockPattern(part) {
  return new RegExp(`^# optional: ${part.name}\\b[^\\n]*\\n[\\s\\S]*?^# end of optional: ${part.name}\\n`, "m");
}
