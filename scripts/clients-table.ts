// npm run docs:clients [-- --check]
//
// Writes the compatibility table in docs/oauth.md from test/fixtures/clients/*.json. With --check
// it changes nothing and exits 1 when the table is stale (test/clients-table.test.ts checks the
// same in the test suite).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ClientRow, clientsTable, withTable } from "./lib/clients-table.ts";

const root = join(import.meta.dirname, "..");
const folder = join(root, "test/fixtures/clients");
const docs = join(root, "docs/oauth.md");

const rows = readdirSync(folder)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(join(folder, name), "utf8")) as ClientRow);
const current = readFileSync(docs, "utf8");
const next = withTable(current, clientsTable(rows));

if (process.argv.includes("--check")) {
  if (next !== current) {
    console.error("docs/oauth.md: the clients table is stale; run npm run docs:clients");
    process.exit(1);
  }
  console.log(`docs/oauth.md: the clients table is current (${rows.length} clients)`);
} else if (next !== current) {
  writeFileSync(docs, next);
  console.log(`docs/oauth.md: wrote the clients table (${rows.length} clients)`);
} else {
  console.log("docs/oauth.md: the clients table is already current");
}
