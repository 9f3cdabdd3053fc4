// Builds the Worker exactly as `wrangler deploy` would upload it (a dry run: nothing leaves the
// machine) and measures what Cloudflare would receive.
import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { wranglerBin } from "./paths.mjs";
import { weigh } from "./weigh.mjs";

/**
 * `wrangler deploy --dry-run`: the upload form (modules + metadata: bindings, compatibility
 * settings) in `worker.bundle`, the readable output in `worker/`, esbuild's metafile in
 * `meta.json`. Sizes are computed the way wrangler reports "Total Upload": every module except
 * source maps, concatenated, raw and gzip. `config`: another wrangler config than root's
 * wrangler.toml (the reference floors, bench/floors/; the peers); `name`: the output's name in
 * `out`; `project`: the folder its own sources are weighed relative to (root's by default).
 */
export async function buildWorker({ root, out, minify, config, name, project = root }) {
  const dir = join(out, name ?? (minify === false ? "worker-unminified" : "worker"));
  const bundlePath = `${dir}.bundle`;
  const metafile = `${dir}.meta.json`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const args = ["deploy", "--dry-run", "--outdir", dir, "--outfile", bundlePath, "--metafile", metafile];
  if (minify === false) args.push("--no-minify");
  if (config) args.push("--config", config);
  const output = await run(process.execPath, [wranglerBin(root), ...args], root);
  const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);

  const form = await readUploadForm(bundlePath);
  const metadata = JSON.parse(String(form.get("metadata")));
  const modules = [];
  const blobs = [];
  let sourceMap;
  for (const [name, entry] of form.entries()) {
    if (entry instanceof Blob && name === `${metadata.main_module}.map`) sourceMap = JSON.parse(await entry.text());
    if (!(entry instanceof Blob) || entry.type === "application/source-map" || name === "metadata") continue;
    blobs.push(entry);
    modules.push({
      type: moduleType(entry.type, name),
      path: name,
      contents: new Uint8Array(await entry.arrayBuffer()),
    });
  }
  const all = new Uint8Array(await new Blob(blobs).arrayBuffer());
  const main = modules.find((m) => m.path === metadata.main_module);
  // Through the source map (its sources are relative to the wrangler config's folder): raw and
  // gzip per part. Without one, esbuild's raw bytes per input.
  const parts =
    main && sourceMap
      ? weigh({
          code: new TextDecoder().decode(main.contents),
          map: sourceMap,
          root: project,
          mapDir: config ? dirname(config) : root,
        })
      : await bytesByPackage(metafile, root, project);

  return {
    bundlePath,
    metadata,
    modules,
    rawBytes: all.byteLength,
    gzipBytes: gzipSync(all).byteLength,
    wranglerReported: reported ? { rawKiB: Number(reported[1]), gzipKiB: Number(reported[2]) } : undefined,
    parts,
  };
}

/** The upload form wrangler wrote with --outfile: multipart/form-data, boundary on line one. */
async function readUploadForm(path) {
  const bytes = await readFile(path);
  const boundary = bytes.subarray(2, bytes.indexOf(10)).toString().trim();
  return new Response(bytes, { headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` } }).formData();
}

function moduleType(mime, name) {
  const type = {
    "application/javascript+module": "ESModule",
    "application/javascript": "CommonJS",
    "text/plain": "Text",
    "application/octet-stream": "Data",
    "application/wasm": "CompiledWasm",
  }[mime.split(";")[0]];
  if (!type) throw new Error(`bench: module ${name} has a type (${mime}) the bench cannot serve`);
  return type;
}

/** Where the bytes go without a source map: esbuild's bytes in the output, per package or folder. */
async function bytesByPackage(metafile, root, project) {
  const meta = JSON.parse(await readFile(metafile, "utf8"));
  const output = Object.entries(meta.outputs).find(([name]) => name.endsWith(".js"))?.[1];
  const totals = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    let key;
    let kind = "package";
    if (input.includes("node_modules/")) {
      const parts = input.split("node_modules/").pop().split("/");
      key = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    } else {
      kind = "ours";
      key =
        relative(project, join(root, dirname(input)))
          .split(sep)
          .join("/") || ".";
    }
    const entry = totals.get(key) ?? { name: key, kind, bytes: 0 };
    entry.bytes += bytesInOutput;
    totals.set(key, entry);
  }
  return [...totals.values()].sort((a, b) => b.bytes - a.bytes);
}

export function run(command, args, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${[command, ...args].join(" ")} exited with ${code}:\n${output}`));
    });
  });
}
