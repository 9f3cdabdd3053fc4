// Checks that dependencies in src/ point one way (docs/architecture.md): no import cycle between
// modules; in the harness (src/template/) no import against the layers, entry -> http -> (auth,
// card -> mcp) -> shared; the fork's files (src/server/) use the harness only through its
// authoring API (src/template/api.ts), and the harness reaches them only through the generated
// registry (src/template/mcp/registry.gen.ts) or the server's definition (info.ts, session.ts).
// The optional parts (src/template/optional/<name>/) build on the MCP layer, which reaches them
// only through the generated src/template/mcp/parts.gen.ts (their seams), and the entry only
// through src/template/optional/durable-objects.gen.ts (their Durable Object classes).
// Every import counts: `import type` too (a type from a layer above is still knowledge of it) and
// `import()` (a lazy load is still a dependency). It also checks what a new isolate evaluates at
// startup (src/template/index.ts and what it imports as values, transitively): none of the packages in
// NOT_AT_STARTUP. `npm test` runs it; it prints each problem and exits 1. Uses the TypeScript
// compiler's parser, so it reads the files as tsc does.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");

/**
 * Each file's area and what it may import besides its own area. src/server/ is the fork's:
 * `definition` (what the server is, its settings: read by every layer of the harness) and
 * `capability` (tools, apps, resources, prompts and their helpers, which import the harness only
 * through its authoring API, src/template/api.ts). src/template/ is the harness, in layers;
 * `shared` are the files directly in src/template/ and src/template/session/, which every layer
 * may use and which use no layer.
 */
const AREAS = {
  entry: ["http", "auth", "card", "mcp", "shared", "definition", "optional"],
  http: ["auth", "card", "mcp", "shared", "definition"],
  auth: ["shared", "definition"],
  card: ["mcp", "shared", "definition"],
  mcp: ["shared", "definition"],
  optional: ["mcp", "shared", "definition"],
  api: ["mcp", "shared"],
  shared: ["definition"],
  definition: [],
  capability: ["api", "definition"],
} as const satisfies Record<string, readonly string[]>;
type Area = keyof typeof AREAS;

/** The one harness file that imports capabilities: the generated registry (scripts/registry.mjs). */
const REGISTRY = "template/mcp/registry.gen.ts";
/** The one MCP-layer file that imports the optional parts: their seams, generated (scripts/registry.mjs). */
const PARTS = "template/mcp/parts.gen.ts";
/** What the entry may import of the optional parts: their Durable Object classes, generated. */
const PART_CLASSES = "template/optional/durable-objects.gen.ts";
/** The files of src/server/ that describe the server rather than serve a capability. */
const DEFINITIONS = ["server/info.ts", "server/session.ts"];

/**
 * Packages the Worker loads on first use, never at startup (docs/performance.md): a static value
 * import of one from any file the entry reaches by static value imports puts its evaluation into
 * every new isolate's startup.
 */
const NOT_AT_STARTUP: Record<string, string> = {
  "@modelcontextprotocol/server": "the MCP SDK, loaded by the first /mcp request (src/template/http/app.ts)",
  "@cloudflare/workers-oauth-provider": "the OAuth provider, loaded by the first OAuth request (src/template/index.ts)",
};

export function areaOf(file: string): Area {
  const path = relative(src, file).split("\\").join("/");
  if (path.startsWith("server/")) return DEFINITIONS.includes(path) ? "definition" : "capability";
  if (path === "template/index.ts") return "entry";
  if (path === "template/api.ts") return "api";
  const top = path.split("/")[1]!;
  if (top === "http" || top === "auth" || top === "card" || top === "mcp" || top === "optional") return top;
  return "shared";
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    // Tests are not part of the Worker: a capability's test may reach into the harness to check it.
    return /\.tsx?$/.test(entry.name) && !/\.(d|test)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier a file names: imports, re-exports, `import()` and `import("x").T` types. */
export function specifiersOf(file: string, text = readFileSync(file, "utf8")): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) found.push(literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * What evaluating a file evaluates first: its static imports and re-exports of values (not
 * `import type`, not an import whose every name is a type, not `import()`).
 */
export function valueImportsOf(file: string, text = readFileSync(file, "utf8")): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause !== undefined &&
          !clause.name &&
          clause.namedBindings !== undefined &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    }
  }
  return found;
}

/** A relative specifier as the file it names (`./x.js` is `./x.ts`), or undefined outside src/. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined; // a package
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.js$/, ".tsx"), join(base, "index.ts")];
  const file = candidates.find((c) => /\.tsx?$/.test(c) && existsSync(c));
  if (file?.startsWith(src)) return file;
  return undefined;
}

export function importGraph(files: string[]): Map<string, string[]> {
  return new Map(
    files.map((file) => [
      file,
      [...new Set(specifiersOf(file).flatMap((s) => resolveSpecifier(file, s) ?? []))].sort(),
    ]),
  );
}

/** Every cycle, as the files on it: the strongly connected components of more than one file (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const strongConnect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) strongConnect(v);
  return found;
}

/** Imports against the layers: `from` imports `to`, whose area `from`'s area may not use. */
export function layerViolations(graph: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [from, targets] of graph) {
    const a = areaOf(from);
    for (const to of targets) {
      const b = areaOf(to);
      if (b === "optional" && a === "entry" && rel(to) !== `src/${PART_CLASSES}`) {
        problems.push(
          `${rel(from)} (entry) imports ${rel(to)}: the entry reaches optional parts only through src/${PART_CLASSES}`,
        );
        continue;
      }
      if (a === b || (AREAS[a] as readonly string[]).includes(b)) continue;
      if (b === "capability" && rel(from) === `src/${REGISTRY}`) continue;
      if (b === "optional" && rel(from) === `src/${PARTS}`) continue;
      problems.push(
        b === "capability"
          ? `${rel(from)} (${a}) imports ${rel(to)}: the harness reaches capabilities only through src/${REGISTRY}`
          : b === "optional"
            ? `${rel(from)} (${a}) imports ${rel(to)}: the harness reaches optional parts only through src/${PARTS}`
            : `${rel(from)} (${a}) imports ${rel(to)} (${b}): ${a} may use only ${AREAS[a].join(", ") || "packages"}`,
      );
    }
  }
  return problems;
}

/**
 * Packages in NOT_AT_STARTUP that a new isolate would evaluate: each with the chain of files
 * from the entry that imports it. `imports` gives a file's static value imports, `resolveIn` the
 * file a relative one names.
 */
export function startupProblems(
  entry: string,
  imports: (file: string) => string[],
  resolveIn: (from: string, specifier: string) => string | undefined = resolveSpecifier,
): string[] {
  const problems: string[] = [];
  const via = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const specifier of imports(file)) {
      const why = NOT_AT_STARTUP[specifier.split("/").slice(0, 2).join("/")];
      if (why) {
        const chain = [...via.get(file)!].map(rel).join(" -> ");
        problems.push(`at startup, ${chain} imports ${specifier}: ${why}; import it on first use (memo + import())`);
      }
      const target = resolveIn(file, specifier);
      if (target && !via.has(target)) {
        via.set(target, [...via.get(file)!, target]);
        queue.push(target);
      }
    }
  }
  return problems;
}

const rel = (file: string) => relative(root, file).split("\\").join("/");

/**
 * The checker proves it can fail: a known cycle, an upward import, a tool reaching past the
 * authoring API, the harness reaching a tool past the registry, and a startup import must be reported.
 */
function selfTest(): void {
  const f = (path: string) => join(src, "template", path);
  const bad = new Map([
    [f("a.ts"), [f("b.ts")]],
    [f("b.ts"), [f("c.ts")]],
    [f("c.ts"), [f("a.ts")]],
    [f("mcp/tool.ts"), [f("http/app.ts")]],
    [f("http/app.ts"), []],
    [join(src, "server/tools/x.ts"), [f("mcp/define.ts"), f("api.ts")]],
    [f("mcp/registry.gen.ts"), [join(src, "server/tools/x.ts")]],
    [f("mcp/server.ts"), [join(src, "server/tools/x.ts"), join(src, "server/info.ts")]],
    [f("mcp/endpoint.ts"), [f("optional/questions/index.ts"), f("mcp/parts.gen.ts")]],
    [f("mcp/parts.gen.ts"), [f("optional/questions/index.ts")]],
  ]);
  const found = cycles(bad);
  const upward = layerViolations(bad);
  const expected = [
    "src/template/mcp/tool.ts (mcp) imports src/template/http/app.ts",
    "src/server/tools/x.ts (capability) imports src/template/mcp/define.ts",
    "src/template/mcp/server.ts (mcp) imports src/server/tools/x.ts: the harness reaches capabilities only",
    "src/template/mcp/endpoint.ts (mcp) imports src/template/optional/questions/index.ts: the harness reaches optional",
  ];
  const planted: Record<string, string> = {
    [f("index.ts")]: 'import type { X } from "@modelcontextprotocol/server"; import { app } from "./http/app.js";',
    [f("http/app.ts")]: 'export { x } from "../mcp/x.js"; const lazy = () => import("../mcp/lazy.js");',
    [f("mcp/x.ts")]: 'import { type A, McpServer } from "@modelcontextprotocol/server";',
    [f("mcp/lazy.ts")]: 'import { OAuthProvider } from "@cloudflare/workers-oauth-provider";',
  };
  const atStartup = startupProblems(
    f("index.ts"),
    (file) => valueImportsOf(file, planted[file] ?? ""),
    (from, specifier) =>
      specifier.startsWith(".") ? resolve(dirname(from), specifier.replace(/\.js$/, ".ts")) : undefined,
  );
  if (
    found.length !== 1 ||
    found[0]!.length !== 3 ||
    upward.length !== expected.length ||
    !expected.every((problem, i) => upward[i]!.startsWith(problem)) ||
    atStartup.length !== 1 ||
    !atStartup[0]!.includes("src/template/mcp/x.ts imports @modelcontextprotocol/server")
  ) {
    console.error("scripts/check-imports.ts: the checker missed a planted cycle, wrong-way or startup import");
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  selfTest();
  const graph = importGraph(sourceFiles(src));
  const problems = [
    ...cycles(graph).map((c) => `import cycle: ${c.map(rel).join(" <-> ")}`),
    ...layerViolations(graph),
    ...startupProblems(join(src, "template", "index.ts"), (file) => valueImportsOf(file)),
  ];
  if (problems.length > 0) {
    console.error(`src/ imports against the rules (scripts/check-imports.ts):\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  const edges = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
  console.log(`imports: ${graph.size} modules, ${edges} imports, no cycle, all one way, nothing heavy at startup`);
}
