import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The project's own wrangler CLI (node_modules), run with the current Node. */
export function wranglerBin(root) {
  return join(
    dirname(createRequire(join(root, "package.json")).resolve("wrangler/package.json")),
    "bin",
    "wrangler.js",
  );
}

/**
 * The Miniflare (and so the workerd) that this project's wrangler uses for `wrangler dev` and
 * `wrangler check startup`: the bench serves the Worker with the same runtime version, and needs
 * no dependency of its own.
 */
export function loadMiniflare(root) {
  const wrangler = createRequire(join(root, "package.json")).resolve("wrangler");
  return createRequire(wrangler)("miniflare");
}

/** wrangler's programmatic entry point (for its config reader). */
export function wranglerModule(root) {
  return createRequire(join(root, "package.json")).resolve("wrangler");
}

export function workerdVersion(root) {
  const miniflare = createRequire(createRequire(join(root, "package.json")).resolve("wrangler")).resolve("miniflare");
  return createRequire(miniflare)("workerd/package.json").version;
}
