// The baseline: another commit of this repository (bench/config.mjs, `--baseline <ref>`), checked
// out in a git worktree under bench/out/baseline/ with its own dependencies, built with its own
// wrangler. Kept between runs: the worktree is reused, and `npm ci` runs again only when that
// commit's lockfile differs from what was installed.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./build.mjs";

/** Returns { ref, sha, root } with the baseline's dependencies installed. */
export async function prepareBaseline({ root, out, ref, log }) {
  const sha = (await git(root, ["rev-parse", "--verify", `${ref}^{commit}`])).trim();
  const dir = join(out, "baseline", sha.slice(0, 12));
  if (!existsSync(join(dir, "package.json"))) {
    log(`checking out ${ref} (${sha.slice(0, 12)}) in ${dir}…`);
    await mkdir(join(out, "baseline"), { recursive: true });
    await git(root, ["worktree", "prune"]);
    await git(root, ["worktree", "add", "--detach", "--force", dir, sha]);
  }

  const lock = await readFile(join(dir, "package-lock.json"));
  const hash = createHash("sha256").update(lock).digest("hex");
  const stamp = join(dir, "node_modules", ".bench-lockfile-sha256");
  const installed = existsSync(stamp) ? (await readFile(stamp, "utf8")).trim() : undefined;
  if (installed !== hash) {
    const ours = createHash("sha256")
      .update(await readFile(join(root, "package-lock.json")))
      .digest("hex");
    if (ours === hash && !existsSync(join(dir, "node_modules"))) {
      // Same dependencies as the build under test: share its node_modules.
      await symlink(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    } else {
      log(`installing the baseline's dependencies (npm ci in ${dir})…`);
      await run(npmBin(), ["ci", "--no-audit", "--no-fund", "--loglevel=error"], dir);
      await writeFile(stamp, `${hash}\n`);
    }
  }
  return { ref, sha, root: dir };
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
