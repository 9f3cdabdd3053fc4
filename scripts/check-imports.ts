// Checks that dependencies in src/ point one way (README, Layout): no import cycle between
// modules, and no import against the layers, entry -> http -> (auth, card -> mcp) -> shared.
// Every import counts: `import type` too (a type from a layer above is still knowledge of it) and
// `import()` (a lazy load is still a dependency). `npm test` runs it; it prints each problem and
// exits 1. Uses the TypeScript compiler's parser, so it reads the files as tsc does.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");

/**
 * Each file's layer and what it may import besides its own area. Shared modules are the files
 * directly in src/ and src/session/: what every layer may use, and which use no layer.
 */
const AREAS = {
  entry: ["http", "auth", "card", "mcp", "shared"],
  http: ["auth", "card", "mcp", "shared"],
  auth: ["mcp", "shared"],
  card: ["mcp", "shared"],
  mcp: ["shared"],
  shared: [],
} as const satisfies Record<string, readonly string[]>;
type Area = keyof typeof AREAS;

export function areaOf(file: string): Area {
  const path = relative(src, file).split("\\").join("/");
  if (path === "index.ts") return "entry";
  const top = path.split("/")[0]!;
  if (top === "http" || top === "auth" || top === "card" || top === "mcp") return top;
  return "shared";
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
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
      if (a === b || (AREAS[a] as readonly string[]).includes(b)) continue;
      problems.push(
        `${rel(from)} (${a}) imports ${rel(to)} (${b}): ${a} may use only ${AREAS[a].join(", ") || "shared modules"}`,
      );
    }
  }
  return problems;
}

const rel = (file: string) => relative(root, file).split("\\").join("/");

/** The checker proves it can fail: a known cycle and a known upward import must be reported. */
function selfTest(): void {
  const f = (path: string) => join(src, path);
  const bad = new Map([
    [f("a.ts"), [f("b.ts")]],
    [f("b.ts"), [f("c.ts")]],
    [f("c.ts"), [f("a.ts")]],
    [f("mcp/tool.ts"), [f("http/app.ts")]],
    [f("http/app.ts"), []],
  ]);
  const found = cycles(bad);
  const upward = layerViolations(bad);
  if (found.length !== 1 || found[0]!.length !== 3 || upward.length !== 1 || !upward[0]!.includes("(mcp) imports")) {
    console.error("scripts/check-imports.ts: the checker missed a planted cycle or upward import");
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  selfTest();
  const graph = importGraph(sourceFiles(src));
  const problems = [
    ...cycles(graph).map((c) => `import cycle: ${c.map(rel).join(" <-> ")}`),
    ...layerViolations(graph),
  ];
  if (problems.length > 0) {
    console.error(`src/ imports against one direction (scripts/check-imports.ts):\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  const edges = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
  console.log(`imports: ${graph.size} modules, ${edges} imports, no cycle, all one way`);
}
