/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import type { AnyPrompt, AnyTool, ResourceDefinition } from "../src/template/mcp/define.js";
import { prompts, resources, tools } from "../src/template/mcp/registry.gen.js";

// Vite's view of the folders, with the generator's rules (helpers start with "_", tests are not
// capabilities): the registry must hold exactly the default export of every such file.
// (import.meta.glob takes literals only, hence the repetition.)
// An app (src/server/apps/*.ts, its view in a folder beside it) is a tool with a view: listed with them.
const files = {
  tools: [
    ...Object.values(
      import.meta.glob<AnyTool>(
        ["../src/server/tools/*.ts", "!**/_*", "!**/*.test.ts", "!**/*.spec.ts", "!**/*.d.ts"],
        {
          eager: true,
          import: "default",
        },
      ),
    ),
    ...Object.values(
      import.meta.glob<AnyTool>(["../src/server/apps/*.ts", "!**/_*", "!**/*.test.ts", "!**/*.spec.ts", "!**/*.d.ts"], {
        eager: true,
        import: "default",
      }),
    ),
  ],
  resources: Object.values(
    import.meta.glob<ResourceDefinition>(
      ["../src/server/resources/*.ts", "!**/_*", "!**/*.test.ts", "!**/*.spec.ts", "!**/*.d.ts"],
      { eager: true, import: "default" },
    ),
  ),
  prompts: Object.values(
    import.meta.glob<AnyPrompt>(
      ["../src/server/prompts/*.ts", "!**/_*", "!**/*.test.ts", "!**/*.spec.ts", "!**/*.d.ts"],
      {
        eager: true,
        import: "default",
      },
    ),
  ),
};

const registered: Record<keyof typeof files, readonly { name: string }[]> = { tools, resources, prompts };

describe("capability registry (src/template/mcp/registry.gen.ts)", () => {
  it.each(["tools", "resources", "prompts"] as const)(
    "lists every file in src/template/mcp/%s/, once (apps count as tools)",
    (kind) => {
      // Possibly none: a fork may delete every example (scripts/check-template.mjs proves it).
      const onDisk: readonly { name: string }[] = files[kind];
      expect(onDisk.every((definition) => typeof definition?.name === "string")).toBe(true);
      expect(registered[kind].map((d) => d.name).sort()).toEqual(onDisk.map((d) => d.name).sort());
      expect(new Set(registered[kind])).toEqual(new Set(onDisk));
    },
  );

  it("has no two capabilities of a kind with one name", () => {
    for (const list of Object.values(registered)) {
      const names = list.map((d) => d.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});
