// The synthetic build (`--tools N`): this working tree copied to bench/out/synthetic/ (tracked and
// new files, node_modules symlinked, nothing here touched) with N more tools, each the README's
// "Add a tool" file under a name of its own, built as `wrangler deploy` would. Its cold start beside
// this build's, per era, is what each tool adds to a new isolate's first /mcp answer. Where a tool
// file goes and what it looks like come from the README, the guide a fork follows.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { buildWorker } from "./build.mjs";

/** The name of the synthetic tool `i` (1-based): the last one is what the cold check looks for. */
export const syntheticName = (i) => `bench_extra_${String(i).padStart(4, "0")}`;

/** Returns { build, count, lastTool } or { error } (a README without the section, a failed build). */
export async function buildSynthetic({ root, out, count, log }) {
  try {
    const example = await addToolExample(root);
    const dir = join(out, "synthetic", "tree");
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const file of await trackedAndNew(root)) {
      if (!existsSync(join(root, file))) continue; // deleted in the working tree
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await cp(join(root, file), join(dir, file));
    }
    await symlink(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    for (let i = 1; i <= count; i++) {
      const name = syntheticName(i);
      await writeFile(join(dir, dirname(example.path), `${name}.ts`), example.rename(name));
    }
    log(`building this tree with ${count} more tools (the README's "Add a tool" file, renamed)…`);
    const build = await buildWorker({ root: dir, out, name: `synthetic-${count}` });
    return { build, count, lastTool: syntheticName(count) };
  } catch (error) {
    return { count, error: String(error?.message ?? error).split("\n")[0] };
  }
}

/** The README's "Add a tool" section: the file it says to create and the code block after it. */
async function addToolExample(root) {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const section = /^## Add a tool\n([\s\S]*?)^## /m.exec(readme)?.[1];
  const found = section && /Create\s+`([^`\s]+\.ts)`:\s*\n+```ts\n([\s\S]*?)```/.exec(section);
  if (!found) throw new Error('README.md has no "## Add a tool" section that says: Create `<path>.ts`: ```ts …```');
  const [, path, source] = found;
  const nameField = /(\bname:\s*)"[^"]*"/;
  if (!nameField.test(source)) throw new Error(`the README's ${path} has no \`name: "…"\` to rename`);
  return { path, rename: (name) => source.replace(nameField, `$1"${name}"`) };
}

function trackedAndNew(root) {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout.split("\0").filter(Boolean)) : reject(new Error("git ls-files failed")),
    );
  });
}
