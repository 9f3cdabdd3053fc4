// The baseline: another commit of this repository (bench/config.mjs, `--baseline <ref>`), exported
// with `git archive` into a cache directory, bench/out/baseline/<sha>/, with its own dependencies,
// built with its own wrangler. No git worktree is registered (the repository is shared; a worktree
// left behind would be someone else's clutter). Kept between runs: the export is reused, and its
// dependencies are installed again only when they no longer match its lockfile.
//
// Dependencies: when the baseline's lockfile is the project's, its node_modules is a symlink to the
// project's (no install). Otherwise it gets its own `npm ci`, which never runs through a symlink (that
// would wipe the project's node_modules): a link left from an earlier run is removed first. What was
// installed is recorded next to node_modules (never inside it, which may be the project's).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, readFile, readlink, rename, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./build.mjs";

const STAMP = ".bench-installed";

/** Returns { ref, sha, root } with the baseline's dependencies installed. */
export async function prepareBaseline({ root, out, ref, log }) {
  const sha = (await git(root, ["rev-parse", "--verify", `${ref}^{commit}`])).trim();
  const dir = join(out, "baseline", sha.slice(0, 12));
  if (!existsSync(join(dir, ".bench-exported"))) {
    log(`exporting ${ref} (${sha.slice(0, 12)}) into ${dir} (git archive)…`);
    await exportCommit(root, sha, dir);
  }

  const lockHash = sha256(await readFile(join(dir, "package-lock.json")));
  const ourHash = sha256(await readFile(join(root, "package-lock.json")));
  const modules = join(dir, "node_modules");
  const ours = join(root, "node_modules");
  const kind = await entryKind(modules);

  if (lockHash === ourHash) {
    // Same dependencies as the build under test: share its node_modules.
    if (kind === "link" && (await readlink(modules)) === ours) return { ref, sha, root: dir };
    if (kind === "dir" && (await stamp(dir)) === lockHash) return { ref, sha, root: dir };
    if (kind === "link") await unlink(modules);
    else if (kind === "dir") await rm(modules, { recursive: true, force: true });
    await symlink(ours, modules, "dir");
    return { ref, sha, root: dir };
  }

  // Its own install. A symlink here points at another tree: remove the link (only the link).
  if (kind === "link") await unlink(modules);
  else if (kind === "dir" && (await stamp(dir)) === lockHash) return { ref, sha, root: dir };
  await rm(join(dir, STAMP), { force: true });
  if ((await entryKind(modules)) === "link") throw new Error(`bench: ${modules} is a symlink; refusing to npm ci`);
  log(`installing the baseline's dependencies (npm ci in ${dir})…`);
  await run(npmBin(), ["ci", "--no-audit", "--no-fund", "--loglevel=error"], dir);
  await mkdir(modules, { recursive: true }); // a lockfile without dependencies installs nothing
  await writeFile(join(dir, STAMP), `${lockHash}\n`);
  return { ref, sha, root: dir };
}

/** The commit's tree, extracted into a fresh directory and moved into place when complete. */
async function exportCommit(root, sha, dir) {
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    await pipe(
      spawn("git", ["archive", "--format=tar", sha], { cwd: root, stdio: ["ignore", "pipe", "pipe"] }),
      spawn("tar", ["-x", "-C", partial], { stdio: ["pipe", "ignore", "pipe"] }),
    );
    await writeFile(join(partial, ".bench-exported"), `${sha}\n`);
    await removeTree(dir);
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Removes a cached export; a node_modules symlink inside it is unlinked, never followed. */
async function removeTree(dir) {
  // A git worktree that an earlier version of the bench registered here: unregister it.
  if (existsSync(join(dir, ".git"))) await git(dir, ["worktree", "remove", "--force", dir]).catch(() => {});
  if ((await entryKind(join(dir, "node_modules"))) === "link") await unlink(join(dir, "node_modules"));
  await rm(dir, { recursive: true, force: true });
}

function pipe(producer, consumer) {
  producer.stdout.pipe(consumer.stdin);
  const done = (child, name) =>
    new Promise((resolve, reject) => {
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed: ${stderr.trim()}`))));
    });
  return Promise.all([done(producer, "git archive"), done(consumer, "tar -x")]);
}

async function entryKind(path) {
  try {
    const stat = await lstat(path);
    return stat.isSymbolicLink() ? "link" : stat.isDirectory() ? "dir" : "other";
  } catch {
    return "none";
  }
}

async function stamp(dir) {
  return existsSync(join(dir, STAMP)) ? (await readFile(join(dir, STAMP), "utf8")).trim() : undefined;
}

function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

function npmBin() {
  return process.platform === "win32" ? "npm.cmd" : "npm";
}

function git(cwd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`git ${args.join(" ")} failed: ${stderr.trim()}`)),
    );
  });
}
