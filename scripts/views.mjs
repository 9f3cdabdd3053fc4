#!/usr/bin/env node
// Builds every MCP App view: src/server/apps/<name>/index.html, with its one module script bundled
// and inlined (the ext-apps App SDK included), becomes dist/views/<name>/view.html, the page the
// Worker serves as ui://<name>/view.html. Nothing is fetched at run time: a host loads the page as
// it is, under a CSP that allows no network.
//
// The pages are deployed with the Worker as static assets (wrangler.toml [assets], reachable only
// through the ASSETS binding), not inlined into its script: a view carries the App SDK and the
// MCP client's protocol code (~60 KiB gzip each), which would otherwise be parsed at every cold
// start and count against the Worker's size, once per app. The Worker reads a page when a client
// reads its resource, and only then (src/template/mcp/views.ts).
//
// Wrangler runs this in its [build] command (dev, deploy, and the workerd tests). The output is
// not committed: it is a minified bundle of dependencies, rebuilt from the lockfile.
//
// Two `wrangler dev` from one checkout run this at the same moment on every change, into the same
// dist/views/: each page is replaced in one step (scripts/lib/write-atomic.mjs), folders are made
// only if missing, and only what no view needs is removed, so concurrent builds agree rather than
// collide. A failed build leaves `wrangler dev` holding every request until a later build
// succeeds, so under `wrangler dev` (WRANGLER_COMMAND=dev) a view that does not build is reported
// in its terminal and replaced by a page that shows the error, and the build goes on; everywhere
// else (deploy, tests, `npm run views`) it fails the build.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inlinePage } from "./lib/bundle.mjs";
import { writeIfChanged } from "./lib/write-atomic.mjs";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const apps = join(root, "src", "server", "apps");
const out = join(root, "dist", "views");
const dev = process.env.WRANGLER_COMMAND === "dev";

const views = existsSync(apps)
  ? readdirSync(apps, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(apps, d.name, "index.html")))
      .map((d) => d.name)
      .sort()
  : [];

const built = [];
let failed = false;
for (const name of views) {
  let html;
  try {
    html = await inlinePage(join(apps, name, "index.html"));
    built.push(`${name} (${(Buffer.byteLength(html) / 1024).toFixed(1)} KiB)`);
  } catch (error) {
    const reason = plain(error instanceof Error ? error.message : String(error));
    console.error(`✘ views: ${name} failed to build (src/server/apps/${name}/):\n${reason}`);
    failed = true;
    if (!dev) continue;
    console.error(`  wrangler dev serves a page with this error as ui://${name}/view.html until it builds.`);
    html = failurePage(name, reason);
  }
  writeIfChanged(join(out, name, "view.html"), html);
}
// A view whose folder is gone must not linger in the next deploy.
for (const entry of existsSync(out) ? readdirSync(out) : []) {
  if (!views.includes(entry)) rmSync(join(out, entry), { recursive: true, force: true });
}
if (process.argv.includes("--verbose")) console.log(`views: ${built.join(", ") || "none"} in dist/views/`);
if (failed && !dev) process.exitCode = 1;

/** The bundler's message without terminal colours. */
function plain(text) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is removed.
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/** What a host shows in place of a view that did not build: the error, for the developer. */
function failurePage(name, reason) {
  const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>${escapeHtml(name)}: the view did not build</title>
<h1>The view ${escapeHtml(name)} did not build</h1>
<p>Fix src/server/apps/${escapeHtml(name)}/ and save: <code>wrangler dev</code> rebuilds it. The error:</p>
<pre>${escapeHtml(reason)}</pre>
</html>
`;
}
