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
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inlinePage } from "./lib/bundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const apps = join(root, "src", "server", "apps");
const out = join(root, "dist", "views");

const views = existsSync(apps)
  ? readdirSync(apps, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(apps, d.name, "index.html")))
      .map((d) => d.name)
      .sort()
  : [];

// From scratch each time: a view whose folder is gone must not linger in the next deploy.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const built = [];
for (const name of views) {
  const html = await inlinePage(join(apps, name, "index.html"));
  mkdirSync(join(out, name));
  writeFileSync(join(out, name, "view.html"), html);
  built.push(`${name} (${(Buffer.byteLength(html) / 1024).toFixed(1)} KiB)`);
}
if (process.argv.includes("--verbose")) console.log(`views: ${built.join(", ") || "none"} in dist/views/`);
