// Builds the Worker exactly as `wrangler deploy` would upload it (a dry run: nothing leaves the
// machine) and measures what Cloudflare would receive.
import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { wranglerBin } from "./paths.mjs";

/**
 * `wrangler deploy --dry-run`: the upload form (modules + metadata: bindings, compatibility
 * settings) in `worker.bundle`, the readable output in `worker/`, esbuild's metafile in
 * `meta.json`. Sizes are computed the way wrangler reports "Total Upload": every module except
 * source maps, concatenated, raw and gzip. `config`: another wrangler config than root's
 * wrangler.toml (the reference floors, bench/floors/); `name`: the output's name in `out`.
 */
export async function buildWorker({ root, out, minify, config, name }) {
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
  for (const [name, entry] of form.entries()) {
    if (!(entry instanceof Blob) || entry.type === "application/source-map" || name === "metadata") continue;
    blobs.push(entry);
    modules.push({
      type: moduleType(entry.type, name),
      path: name,
      contents: new Uint8Array(await entry.arrayBuffer()),
    });
  }
  const all = new Uint8Array(await new Blob(blobs).arrayBuffer());

  return {
    bundlePath,
    metadata,
    modules,
    rawBytes: all.byteLength,
    gzipBytes: gzipSync(all).byteLength,
    wranglerReported: reported ? { rawKiB: Number(reported[1]), gzipKiB: Number(reported[2]) } : undefined,
    byPackage: await bytesByPackage(metafile),
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

/** Where the bytes go: esbuild's bytes in the output, per npm package (or per source folder). */
async function bytesByPackage(metafile) {
  const meta = JSON.parse(await readFile(metafile, "utf8"));
  const output = Object.entries(meta.outputs).find(([name]) => name.endsWith(".js"))?.[1];
  const totals = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    let key;
    if (input.includes("node_modules/")) {
      const parts = input.split("node_modules/").pop().split("/");
      key = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    } else {
      key = input.split("/").slice(0, 2).join("/");
    }
    totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

export function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
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
