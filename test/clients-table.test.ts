import { describe, expect, it } from "vitest";
import docs from "../docs/oauth.md?raw";
import { type ClientRow, clientsTable, withTable } from "../scripts/lib/clients-table.ts";
import { CLIENTS } from "./helpers/client-fixtures.js";

describe("docs/oauth.md's compatibility table", () => {
  it("is what the fixtures say (run npm run docs:clients after changing one)", () => {
    const rows = CLIENTS as unknown as ClientRow[];
    expect(withTable(docs, clientsTable(rows))).toBe(docs);
  });

  it("has a row per client, with its registration, redirect URI shape and status", () => {
    const table = clientsTable(CLIENTS as unknown as ClientRow[]);
    expect(table.split("\n")).toHaveLength(CLIENTS.length + 2);
    expect(table).toContain("`cursor://anysphere.cursor-retrieval/oauth/user-<server>/callback` (private-use scheme");
    expect(table).toContain("CIMD `https://claude.ai/oauth/claude-code-client-metadata`");
    expect(table).toContain("**incompatible**");
  });
});
