import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import readme from "../README.md?raw";
import { SETTING_NAMES } from "../src/template/config.js";

describe("each setting is declared once and documented", () => {
  it("every wrangler.toml [vars] entry is a setting src/template/config.ts reads", () => {
    // Bindings (KV, Durable Objects, assets) are objects; vars are strings.
    const vars = Object.entries(env)
      .filter(([name, value]) => typeof value === "string" && /^[A-Z][A-Z0-9_]*$/.test(name))
      .map(([name]) => name);
    expect(vars.length).toBeGreaterThan(5);
    for (const name of vars) expect(SETTING_NAMES, name).toContain(name);
  });

  it("the README's configuration section names exactly the settings src/template/config.ts reads", () => {
    const section = readme.slice(
      readme.indexOf("## Configuration"),
      readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1),
    );
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
    expect(new Set(rows).size).toBe(rows.length);
    // The table's rows are settings; every setting is in the table or named in the section (secrets).
    for (const row of rows) expect(SETTING_NAMES, row).toContain(row);
    for (const name of SETTING_NAMES) expect(section, name).toContain(`\`${name}\``);
  });
});
