// npm run keys -- create --user <name> [--scopes "mcp profile"] [--name <label>] [--remote]
// npm run keys -- list [--remote]
// npm run keys -- revoke <id> [--remote]
//
// API keys for clients that cannot sign in through a browser (CI, agents, scripts): see
// src/template/auth/api-keys.ts and docs/production.md, "API keys". Keys live in the OAUTH_KV
// namespace, only as hashes: the local one `wrangler dev` uses (.wrangler/state) by default, the
// deployed one with --remote (wrangler must be logged in: `npx wrangler login`). A new key is
// printed once and kept nowhere.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  API_KEY_PREFIX,
  createApiKey,
  KEY_NAME,
  KEY_USER,
  type StoredKey,
} from "../src/template/auth/api-key-record.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const BINDING = "OAUTH_KV";
const ID = /^[A-Za-z0-9]{12}$/;

const USAGE = `Usage:
  npm run keys -- create --user <name> [--scopes "<scope> …"] [--name <label>] [--remote]
  npm run keys -- list [--remote]
  npm run keys -- revoke <id> [--remote]

  --user    who the key acts as (tools see it as the user's id): letters, digits, . - _ @ +
  --scopes  what it may do: scopes src/server/info.ts declares (default: OAUTH_SCOPES)
  --name    a label, to recognise the key in the list
  --remote  the deployed namespace (default: the local one wrangler dev uses)
  --env     a wrangler environment (-e) whose OAUTH_KV to use`;

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      user: { type: "string" },
      scopes: { type: "string" },
      name: { type: "string" },
      remote: { type: "boolean", default: false },
      env: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  usage((error as Error).message);
}
const { values: opt, positionals } = parsed;
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const where = opt.remote ? "--remote" : "--local";
const place = opt.remote ? "the deployed OAUTH_KV" : "the local OAUTH_KV (.wrangler/state, what `npm run dev` serves)";

const [command, ...rest] = positionals;
if (command === "create" && rest.length === 0) await create();
else if (command === "list" && rest.length === 0) list();
else if (command === "revoke" && rest.length === 1) revoke(rest[0]!);
else usage();

async function create(): Promise<void> {
  const user = opt.user ?? usage("create needs --user");
  if (!KEY_USER.test(user)) usage(`--user: 1 to 64 letters, digits or . - _ @ + (got ${JSON.stringify(user)})`);
  if (opt.name !== undefined && !KEY_NAME.test(opt.name)) usage("--name: 1 to 64 printable ASCII characters");
  const declared = await declaredScopes();
  const scopes = [...new Set((opt.scopes ?? (await baselineScopes())).split(/[\s,]+/).filter(Boolean))];
  const unknown = scopes.filter((s) => !declared.includes(s));
  if (unknown.length > 0) {
    usage(`--scopes: ${unknown.join(", ")} not declared in src/server/info.ts (declared: ${declared.join(", ")})`);
  }
  const { key, id, stored } = await createApiKey({ user, scopes, name: opt.name });
  const { hash: _, ...metadata } = stored;
  wranglerKv(["put", `${API_KEY_PREFIX}${id}`, JSON.stringify(stored), "--metadata", JSON.stringify(metadata)]);
  console.log(`Created key ${id} for ${user} (scopes: ${scopes.join(" ") || "none"}) in ${place}.
This is the only time the key is shown; keep it where its user can find it (a secret store, a CI secret):

  ${key}

Send it as a bearer token, e.g. curl -H "Authorization: Bearer ${key}" …
Revoke it with: npm run keys -- revoke ${id}${opt.remote ? " --remote" : ""}`);
}

function list(): void {
  const out = wranglerKv(["list", "--prefix", API_KEY_PREFIX]);
  const keys = JSON.parse(out) as { name: string; metadata?: Partial<StoredKey> }[];
  if (keys.length === 0) {
    console.log(`No keys in ${place}.`);
    return;
  }
  const rows = keys.map(({ name, metadata: m = {} }) => [
    name.slice(API_KEY_PREFIX.length),
    m.user ?? "?",
    (m.scopes ?? []).join(" "),
    m.created?.slice(0, 10) ?? "",
    m.name ?? "",
  ]);
  const table = [["id", "user", "scopes", "created", "name"], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log(`Keys in ${place}:`);
  for (const row of table)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
}

function revoke(id: string): void {
  if (!ID.test(id)) usage(`revoke: ${JSON.stringify(id)} is not a key id (12 letters or digits, as listed)`);
  const found = wranglerKv(["list", "--prefix", `${API_KEY_PREFIX}${id}`]);
  if (!(JSON.parse(found) as { name: string }[]).some((k) => k.name === `${API_KEY_PREFIX}${id}`)) {
    console.error(`No key ${id} in ${place}.`);
    process.exit(1);
  }
  wranglerKv(["delete", `${API_KEY_PREFIX}${id}`]);
  console.log(
    `Revoked key ${id} in ${place}.${opt.remote ? " Locations that read it in the last minute may accept it for up to a minute more (KV caches reads)." : ""}`,
  );
}

/** `wrangler kv key <args>` on OAUTH_KV, local or remote; its output, or exit with its error. */
function wranglerKv(args: string[]): string {
  const env = opt.env ? ["--env", opt.env] : [];
  const run = spawnSync(process.execPath, [wrangler, "kv", "key", ...args, "--binding", BINDING, where, ...env], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (run.status !== 0) {
    console.error(`wrangler kv key ${args[0]} failed:\n${run.stderr || run.stdout}`);
    process.exit(1);
  }
  return run.stdout;
}

/** The scopes src/server/info.ts declares (bundled first: it imports package.json, which Node will not as is). */
async function declaredScopes(): Promise<string[]> {
  const { build } = await import("rolldown");
  const result = await build({
    input: join(root, "src/server/info.ts"),
    platform: "node",
    write: false,
    logLevel: "silent",
    output: { format: "esm" },
  });
  const code = result.output[0].code;
  const info = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
  return Object.keys((info as { serverInfo: { scopes: Record<string, string> } }).serverInfo.scopes);
}

/** OAUTH_SCOPES from wrangler.toml: what every token carries, so what a key gets unless told. */
async function baselineScopes(): Promise<string> {
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: join(root, "wrangler.toml"), env: opt.env });
  return String(config.vars?.OAUTH_SCOPES ?? "mcp profile");
}

function usage(problem?: string): never {
  console.error(problem ? `${problem}\n\n${USAGE}` : USAGE);
  process.exit(2);
}
