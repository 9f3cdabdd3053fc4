// Browser bundles for MCP App views and the local host page: one self-contained ES module per
// entry, minified, nothing fetched at run time. Rolldown rather than esbuild (which wrangler uses
// for the Worker): the views carry the ext-apps App SDK and with it the MCP client's protocol code
// and Zod, and Rolldown drops the schemas a view never uses; esbuild keeps every top-level
// `z.object(…)` call. Measured on the temperature_table view: 59 KiB gzip against 146 KiB.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "rolldown";

/** Bundles `entry` for the browser and returns the code. */
export async function bundleBrowser(entry) {
  const result = await build({
    input: entry,
    platform: "browser",
    write: false,
    logLevel: "warn",
    // The SDK packages' modules have no side effects a view relies on: a module none of whose
    // exports is used is dropped whole.
    treeshake: { moduleSideEffects: false },
    output: { format: "esm", minify: true, codeSplitting: false },
  });
  const chunks = result.output.filter((o) => o.type === "chunk");
  if (chunks.length !== 1) throw new Error(`${entry}: expected one chunk, got ${chunks.length}`);
  return chunks[0].code;
}

/**
 * Reads an HTML page whose only script is `<script type="module" src="./x.ts"></script>` and
 * returns it with that script bundled and inlined: one string a host can load as it is.
 */
export async function inlinePage(htmlFile) {
  const html = readFileSync(htmlFile, "utf8");
  const tags = [...html.matchAll(/<script type="module" src="\.\/([\w.-]+\.ts)"><\/script>/g)];
  if (tags.length !== 1) throw new Error(`${htmlFile}: needs exactly one <script type="module" src="./x.ts">`);
  const [tag, file] = tags[0];
  const code = await bundleBrowser(join(dirname(htmlFile), file));
  // Inside an inline script, "</script" would end it: escape the slash (same string to JS).
  const safe = code.replace(/<\/(script)/gi, "<\\/$1").trimEnd();
  return html.replace(tag, () => `<script type="module">${safe}</script>`);
}
