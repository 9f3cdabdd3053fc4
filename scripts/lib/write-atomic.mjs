// Writes a build output so that a reader never sees it half-written and two builders at once
// (two `wrangler dev` from one checkout rebuild on the same change) never trip over each other:
// the content goes to a scratch file in dist/.tmp/ (same disk, outside anything wrangler watches
// or serves) and is renamed over the target, which replaces it in one step. Unchanged content is
// not rewritten, so a rebuild that changes nothing wakes no watcher.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const scratch = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", ".tmp");

/** Whether the file was written (false: it already held exactly this). */
export function writeIfChanged(file, content) {
  if (existsSync(file) && readFileSync(file).equals(Buffer.from(content))) return false;
  mkdirSync(dirname(file), { recursive: true });
  mkdirSync(scratch, { recursive: true });
  const temp = join(scratch, `${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    writeFileSync(temp, content);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    // Another disk (a dist/ mounted elsewhere): no atomic rename across disks, so write in place.
    if (error.code !== "EXDEV") throw error;
    writeFileSync(file, content);
  }
  return true;
}
