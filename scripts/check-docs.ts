// Checks the docs against the tree they describe: every repository path that README.md, AGENTS.md,
// docs/*.md and the READMEs in src/ name (src/…, test/…, scripts/…, bench/…, docs/…, .ci/…,
// .github/…, and root files such as wrangler.toml) exists; every relative link between them
// resolves, anchors included; and README.md and docs/ tell no history (issue numbers, commit
// hashes): they are guides for users. Placeholders (`src/server/tools/<name>.ts`) need their folder,
// globs (`src/**/*.test.ts`) at least one match, braces (`src/server/{tools,apps}/`) each branch;
// paths that .gitignore covers (build outputs such as dist/ or bench/out/) are not checked.
// `npm test` runs it (npm run check:docs); it prints each problem with its file and line and exits 1.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";

/** What the checker reads: the repository's files and folders (slash-separated, from its root). */
export interface Tree {
  files: ReadonlySet<string>;
  dirs: ReadonlySet<string>;
  read(path: string): string;
  /** Whether .gitignore covers a path: such a path is built or local, not in a fresh clone. */
  ignored(path: string): boolean;
}

/** The top-level folders whose paths the docs name; a path elsewhere is not recognised as one. */
const ROOTS = ["src", "test", "scripts", "bench", "docs", ".ci", ".github"];
/** Files at the root that docs name by themselves. */
const ROOT_FILES = [
  "wrangler.toml",
  "package.json",
  "package-lock.json",
  "AGENTS.md",
  "README.md",
  ".dev.vars.example",
  ".nvmrc",
  "worker-configuration.d.ts",
  "vitest.config.ts",
  "biome.json",
  "tsconfig.json",
  "tsconfig.browser.json",
];
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/**
 * A path token: a known root, then segments of word characters, `.-/`, `<placeholders>`, `*` and
 * `{a,b}`. Not inside a longer path or URL, nor a link's target (the link check reads those).
 */
const PATH = new RegExp(
  `(?<![\\w./@<{-]|\\]\\()(?:(?:${ROOTS.map(escapeRegExp).join("|")})/(?:\\{[^}\\s]*\\}|[\\w.<>*/-])*|(?:${ROOT_FILES.map(escapeRegExp).join("|")})(?![\\w.-]))`,
  "g",
);
const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;
/** History has no place in a guide: the before-stop hook and reviewers look for these. */
const HISTORY: { pattern: RegExp; what: string }[] = [
  { pattern: /\bissues? #?\d+\b/gi, what: "an issue number" },
  { pattern: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b/g, what: "a commit hash" },
];

/** The documents a person reads, from the root: README.md, AGENTS.md, docs/*.md, src/**\/README.md. */
export function documents(tree: Tree): string[] {
  return [...tree.files]
    .filter(
      (f) =>
        f === "README.md" ||
        f === "AGENTS.md" ||
        /^docs\/[^/]+\.md$/.test(f) ||
        (f.startsWith("src/") && f.endsWith("/README.md")),
    )
    .sort();
}

/** Every problem in the documents, as `file:line: message`. */
export function checkDocs(tree: Tree): string[] {
  const problems: string[] = [];
  const slugs = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let found = slugs.get(file);
    if (!found) {
      found = headingSlugs(tree.read(file));
      slugs.set(file, found);
    }
    return found;
  };
  for (const doc of documents(tree)) {
    const text = tree.read(doc);
    const at = (index: number) => `${doc}:${text.slice(0, index).split("\n").length}`;
    // A file the reader is told to create ("Create `src/server/tools/add.ts`:") does not exist yet.
    const created = new Set([...text.matchAll(/\bCreate\s+`([^`]+)`/g)].map((m) => m[1]!));
    for (const match of text.matchAll(PATH)) {
      const path = match[0].replace(/\.+$/, "");
      if (created.has(path)) continue;
      const missing = missingPaths(tree, path);
      if (missing.length > 0) problems.push(`${at(match.index)}: names ${path}, which does not exist`);
    }
    const prose = withoutCodeBlocks(text);
    for (const match of prose.matchAll(LINK)) {
      const problem = brokenLink(tree, doc, match[1]!, anchorsOf);
      if (problem) problems.push(`${at(match.index)}: ${problem}`);
    }
    if (doc === "README.md" || doc.startsWith("docs/")) {
      for (const { pattern, what } of HISTORY) {
        for (const match of text.matchAll(pattern)) {
          problems.push(`${at(match.index)}: "${match[0]}" looks like ${what}: guides tell no history`);
        }
      }
    }
  }
  return problems;
}

/** The concrete paths a path token stands for that do not exist (none when it is fine). */
function missingPaths(tree: Tree, token: string): string[] {
  return expandBraces(token).filter((path) => {
    if (tree.ignored(path)) return false;
    // A placeholder segment (<name>): the folder it lives in must exist.
    const placeholder = path.split("/").findIndex((segment) => segment.includes("<"));
    if (placeholder >= 0) {
      const folder = path.split("/").slice(0, placeholder).join("/");
      return !tree.dirs.has(folder) || tree.ignored(folder);
    }
    if (path.includes("*")) return !matchesAny(tree, path);
    const bare = path.replace(/\/$/, "");
    return path.endsWith("/") ? !tree.dirs.has(bare) : !tree.files.has(bare) && !tree.dirs.has(bare);
  });
}

function expandBraces(path: string): string[] {
  const match = /\{([^{}]*)\}/.exec(path);
  if (!match) return [path];
  const [before, after] = [path.slice(0, match.index), path.slice(match.index + match[0].length)];
  return match[1]!.split(",").flatMap((choice) => expandBraces(before + choice + after));
}

/** Whether a glob (`*` within a segment, `**` across them) matches a file, or a folder when it ends in `/`. */
function matchesAny(tree: Tree, glob: string): boolean {
  const folder = glob.endsWith("/");
  const source = glob
    .replace(/\/$/, "")
    .split(/(\*\*\/|\*\*|\*)/)
    .map((part) => (part === "**/" ? "(?:.*/)?" : part === "**" ? ".*" : part === "*" ? "[^/]*" : escapeRegExp(part)))
    .join("");
  const regex = new RegExp(`^${source}$`);
  return [...(folder ? tree.dirs : tree.files)].some((path) => regex.test(path) && !tree.ignored(path));
}

/** What is wrong with a link from `doc`, if anything: a missing file, or an anchor no heading has. */
function brokenLink(
  tree: Tree,
  doc: string,
  target: string,
  anchorsOf: (file: string) => Set<string>,
): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:, vscode: …
  const [rawPath, anchor] = target.split("#", 2) as [string, string | undefined];
  const path = rawPath ? posix.normalize(posix.join(posix.dirname(doc), decodeURI(rawPath))).replace(/\/$/, "") : doc;
  if (path.startsWith("../")) return `links to ${target}, outside the repository`;
  if (!tree.files.has(path) && !tree.dirs.has(path)) return `links to ${target}, which does not exist`;
  if (anchor !== undefined && path.endsWith(".md") && !anchorsOf(path).has(anchor)) {
    return `links to ${target}, but ${path} has no heading with that anchor`;
  }
  return undefined;
}

/** The anchors GitHub gives a document's headings: lowercased, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingSlugs(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  for (const [, heading] of withoutCodeBlocks(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** The text with fenced code blocks blanked (their lines kept, so line numbers stay right). */
function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, " "));
}

/** The repository on disk, without .git, node_modules and what .gitignore covers. */
export function diskTree(root: string): Tree {
  const ignored = gitignore(readFileSync(join(root, ".gitignore"), "utf8"));
  const files = new Set<string>();
  const dirs = new Set<string>([""]);
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.name === ".git" || entry.name === "node_modules" || ignored(path)) continue;
      if (entry.isDirectory()) {
        dirs.add(path);
        walk(path);
      } else if (entry.isFile() || statSync(join(root, path)).isFile()) files.add(path);
    }
  };
  walk("");
  return { files, dirs, read: (path) => readFileSync(join(root, path), "utf8"), ignored };
}

/** A small reading of .gitignore: plain and `*` patterns, a trailing `/`, `!` to take one back. */
export function gitignore(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const pattern = (negated ? line.slice(1) : line).replace(/\/$/, "");
      const anchored = pattern.includes("/");
      const source = pattern.replace(/^\//, "").split("*").map(escapeRegExp).join("[^/]*");
      return { negated, anchored, regex: new RegExp(`^${source}$`) };
    });
  return (path) => {
    const segments = path.replace(/\/$/, "").split("/");
    let result = false;
    for (const { negated, anchored, regex } of rules) {
      // A rule matches the path or any folder it is in: anchored ones from the root, others by name.
      const hit = segments.some((segment, i) =>
        anchored ? regex.test(segments.slice(0, i + 1).join("/")) : regex.test(segment),
      );
      if (hit) result = !negated;
    }
    return result;
  };
}

/** The checker must catch what it is for: a planted bad path, link, anchor and issue number. */
function selfTest(): void {
  const files: Record<string, string> = {
    ".gitignore": "dist/\nbench/out/\n",
    "README.md": [
      "# Guide",
      "## Add a tool",
      "Create `src/server/tools/<name>.ts`, test `src/**/*.test.ts`, in `src/server/{tools,prompts}/`.",
      "See `src/server/tools/gone.ts` and `src/server/tools/add.ts` (built into `dist/views/`).",
      "Create `src/server/tools/new.ts`: then `src/server/tools/new.ts` is yours.",
      "[ok](docs/a.md#the-part) [bad](docs/missing.md) [bad anchor](docs/a.md#nowhere) [here](#add-a-tool)",
      "Fixed in issue 12.",
    ].join("\n"),
    "docs/a.md": "# A\n## The part\n```\n[not a link](nowhere.md)\n```\n",
    "src/server/tools/add.ts": "",
    "src/server/tools/add.test.ts": "",
  };
  const tree: Tree = {
    files: new Set(Object.keys(files)),
    dirs: new Set(["", "docs", "src", "src/server", "src/server/tools"]),
    read: (path) => files[path] ?? "",
    ignored: gitignore(files[".gitignore"]!),
  };
  const found = checkDocs(tree);
  const expected = [
    "README.md:3: names src/server/{tools,prompts}/, which does not exist",
    "README.md:4: names src/server/tools/gone.ts, which does not exist",
    "README.md:6: links to docs/missing.md, which does not exist",
    "README.md:6: links to docs/a.md#nowhere, but docs/a.md has no heading with that anchor",
    'README.md:7: "issue 12" looks like an issue number: guides tell no history',
  ];
  if (found.length !== expected.length || !expected.every((problem, i) => found[i] === problem)) {
    console.error(
      `scripts/check-docs.ts: the checker does not find what was planted.\nexpected:\n  ${expected.join("\n  ")}\nfound:\n  ${found.join("\n  ")}`,
    );
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  selfTest();
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const tree = diskTree(root);
  const problems = checkDocs(tree);
  if (problems.length > 0) {
    console.error(`The docs do not match the tree (scripts/check-docs.ts):\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`docs: ${documents(tree).length} documents; every path they name exists, every link resolves`);
}
