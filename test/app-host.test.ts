import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { exampleArguments } from "../scripts/app-host/example-arguments.js";
import { type AnyTool, isApp } from "../src/template/mcp/define.js";
import * as generated from "../src/template/mcp/registry.gen.js";
import { serving } from "./fixtures/harness.js";
import { modernClient } from "./helpers/connect.js";

// The local MCP Apps host (npm run app:host) opens on a call of the first app, with arguments it
// makes from the tool's advertised input schema: that call must pass the tool's validation.

describe("exampleArguments: a first call from an input schema", () => {
  const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
    type: "object",
    properties,
    required,
  });

  it("takes examples, then default, const and enum, and leaves optional properties to the tool", () => {
    const schema = object(
      {
        start: { type: "number", examples: [20, 30] },
        unit: { type: "string", enum: ["celsius", "kelvin"] },
        mode: { const: "fast" },
        steps: { type: "integer", default: 11 },
        label: { type: "string", examples: ["ignored: optional"] },
      },
      ["start", "unit", "mode", "steps"],
    );
    expect(exampleArguments(schema)).toEqual({ start: 20, unit: "celsius", mode: "fast", steps: 11 });
  });

  it("keeps numbers inside their bounds, 0 when allowed", () => {
    const args = exampleArguments(
      object({
        free: { type: "number" },
        within: { type: "number", minimum: -1e6, maximum: 1e6 },
        above: { type: "integer", minimum: 2, maximum: 25 },
        below: { type: "number", maximum: -3.5 },
        positive: { type: "integer", exclusiveMinimum: 0 },
        fraction: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
        oddMinimum: { type: "integer", minimum: 1.5 },
      }),
    );
    expect(args).toMatchObject({ free: 0, within: 0, above: 2, below: -3.5, positive: 1, oddMinimum: 2 });
    expect(args.fraction).toBeGreaterThan(0);
    expect(args.fraction).toBeLessThan(1);
  });

  it("fills strings, booleans, arrays, nested objects and unions to their minimums", () => {
    const args = exampleArguments(
      object({
        name: { type: "string", minLength: 3 },
        text: { type: "string" },
        flag: { type: "boolean" },
        tags: { type: "array", items: { type: "string", enum: ["a", "b"] }, minItems: 2 },
        none: { type: "array", items: { type: "number" } },
        where: object({ x: { type: "number", minimum: 1 }, y: { type: "number" } }, ["x"]),
        either: { anyOf: [{ type: "string", enum: ["one"] }, { type: "number" }] },
        nullable: { type: ["null", "integer"], minimum: 4 },
      }),
    );
    expect(args).toEqual({
      name: "xxx",
      text: "",
      flag: false,
      tags: ["a", "a"],
      none: [],
      where: { x: 1 },
      either: "one",
      nullable: 4,
    });
  });

  it("answers {} for a schema without properties, or no schema, and stops at a depth bound", () => {
    expect(exampleArguments({ type: "object" })).toEqual({});
    expect(exampleArguments(undefined)).toEqual({});
    expect(exampleArguments("not a schema")).toEqual({});
    let deep: Record<string, unknown> = { type: "number" };
    for (let i = 0; i < 50; i++) deep = object({ inner: deep });
    expect(() => exampleArguments(deep)).not.toThrow();
  });
});

/** Every tool the server lists: the made-up arguments are valid for its advertised input schema. */
async function listedTools() {
  const client = await modernClient();
  const { tools } = await client.listTools();
  return { client, tools };
}

describe("the arguments the host makes are accepted", () => {
  it("by every app of this server (src/server/apps/), by its advertised schema", async () => {
    // Widened: the generated list is a tuple, and `readonly []` when src/server/ has no tools.
    const apps = (generated.tools as readonly AnyTool[]).filter(isApp).map((t) => t.name);
    const { client, tools } = await listedTools();
    for (const tool of tools.filter((t) => apps.includes(t.name))) {
      const args = exampleArguments(tool.inputSchema);
      const result = new Validator(tool.inputSchema as object, "2020-12").validate(args);
      // A string with a pattern, say, has no made-up value: give the property `.meta({ examples: [...] })`.
      expect(result.errors, `${tool.name}(${JSON.stringify(args)}): give its inputs examples`).toEqual([]);
    }
    await client.close();
  });

  describe("by the harness fixtures, called through the Worker", () => {
    serving();
    it("each call with the made-up arguments passes the SDK's validation", async () => {
      const { client, tools } = await listedTools();
      expect(tools.length).toBeGreaterThan(0);
      for (const name of ["echo", "panel"]) {
        const tool = tools.find((t) => t.name === name)!;
        const result = await client.callTool({ name, arguments: exampleArguments(tool.inputSchema) });
        expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
      }
      // And the host's old first call, with no arguments, is the error it opened on.
      const bare = await client.callTool({ name: "panel", arguments: {} });
      expect(bare.isError).toBe(true);
      await client.close();
    });
  });
});
