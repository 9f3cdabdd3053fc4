// What each part of a bundle weighs: every byte of the uploaded main module attributed, through
// its source map, to the npm package or the project folder it came from, raw and gzip. The gzip
// figure of a part is its own bytes compressed alone (what it would cost on its own); the parts'
// gzip figures add up to more than the whole, whose compression spans them.
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";

const VLQ = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

/**
 * @param code the module's text, as uploaded
 * @param map its source map (parsed JSON)
 * @param root the project the build was made from: a source outside node_modules is grouped by
 *   its folder relative to it ("src/auth"); one inside node_modules by its package
 * @param mapDir where relative `sources` are resolved from (the map's own `sourceRoot` wins)
 * @returns [{ name, kind: "package" | "ours" | "other", bytes, gzipBytes }], heaviest first
 */
export function weigh({ code, map, root, mapDir = root }) {
  const base = map.sourceRoot && isAbsolute(map.sourceRoot) ? map.sourceRoot : resolve(mapDir, map.sourceRoot ?? "");
  const groups = map.sources.map((source) => groupOf(source ? resolve(base, source) : undefined, root));
  const chunks = new Map(); // group name → array of code slices
  const add = (group, text) => {
    if (!text) return;
    if (!chunks.has(group.name)) chunks.set(group.name, { ...group, parts: [] });
    chunks.get(group.name).parts.push(text);
  };
  const unmapped = { name: "(no source: bundler glue)", kind: "other" };
  const lines = code.split("\n");
  let source = 0;
  const decoded = map.mappings.split(";");
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l];
    const segments = [];
    let column = 0;
    for (const segment of (decoded[l] ?? "").split(",")) {
      if (!segment) continue;
      const fields = vlq(segment);
      column += fields[0];
      if (fields.length >= 4) {
        source += fields[1]; // the source line, column and name are not needed to attribute bytes
        segments.push({ column, group: groups[source] });
      } else segments.push({ column, group: unmapped });
    }
    if (!segments.length) {
      add(unmapped, `${line}\n`);
      continue;
    }
    add(unmapped, line.slice(0, segments[0].column));
    for (let s = 0; s < segments.length; s++) {
      const end = s + 1 < segments.length ? segments[s + 1].column : line.length;
      add(segments[s].group, line.slice(segments[s].column, end) + (s + 1 === segments.length ? "\n" : ""));
    }
  }
  return [...chunks.values()]
    .map(({ parts, ...group }) => {
      const bytes = Buffer.from(parts.join(""));
      return { ...group, bytes: bytes.byteLength, gzipBytes: gzipSync(bytes).byteLength };
    })
    .sort((a, b) => b.bytes - a.bytes);
}

function vlq(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = VLQ.get(c);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** A package in node_modules (the innermost), or a folder of the project relative to `root`. */
function groupOf(path, root) {
  if (!path) return { name: "(no source: bundler glue)", kind: "other" };
  const marker = `${sep}node_modules${sep}`;
  const at = path.lastIndexOf(marker);
  if (at !== -1) {
    const parts = path.slice(at + marker.length).split(sep);
    const name = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    // A package's dist can carry the sources of a private package it was built from (its
    // source map names them): weighed under that name, marked as not installed on its own.
    const installed = existsSync(join(path.slice(0, at + marker.length), name, "package.json"));
    return { name: installed ? name : `${name} (in a dependency's dist)`, kind: "package" };
  }
  const where = relative(root, path);
  if (where.startsWith("..")) return { name: dirname(path), kind: "other" };
  // A folder ("src/auth": the files directly in it), or a file at the project's top.
  return { name: (where.includes(sep) ? dirname(where) : where).split(sep).join("/"), kind: "ours" };
}
