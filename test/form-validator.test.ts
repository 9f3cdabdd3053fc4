import { McpServer } from "@modelcontextprotocol/server";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/server/validators/cf-worker";
import { describe, expect, it } from "vitest";
import { FormValidator } from "../src/template/mcp/form-validator.js";

// Every shape of field an elicitation form may have (the protocol's PrimitiveSchemaDefinition),
// with answers on both sides of each bound: the Worker's validator must accept and refuse exactly
// what the SDK's own JSON Schema validator (@cfworker/json-schema) does.
const form = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => ({
  type: "object" as const,
  properties,
  required,
});
const CASES: [string, ReturnType<typeof form>, unknown[]][] = [
  [
    "text with length bounds, counted in characters",
    form({ name: { type: "string", title: "Name", minLength: 2, maxLength: 3 } }),
    [
      { name: "a" },
      { name: "ab" },
      { name: "abc" },
      { name: "abcd" },
      { name: "a😀" },
      { name: "😀😀😀😀" },
      { name: 5 },
    ],
  ],
  [
    "an email",
    form({ email: { type: "string", format: "email" } }),
    [{ email: "ada@example.com" }, { email: "not an email" }, { email: "ada@" }, { email: "" }],
  ],
  [
    "a URI",
    form({ site: { type: "string", format: "uri" } }),
    [{ site: "https://example.com/a?b=c" }, { site: "not a uri" }, { site: "/relative" }],
  ],
  [
    "a date",
    form({ day: { type: "string", format: "date" } }),
    [{ day: "2024-02-29" }, { day: "2024-13-01" }, { day: "20240101" }, { day: "2024-1-1" }],
  ],
  [
    "a date and time",
    form({ at: { type: "string", format: "date-time" } }),
    [
      { at: "2024-01-01T10:00:00Z" },
      { at: "2024-01-01T10:00:00+02:00" },
      { at: "2024-01-01T10:00:00.5Z" },
      { at: "2024-01-01 10:00" },
      { at: "2024-01-01T25:00:00Z" },
    ],
  ],
  [
    "a number with bounds",
    form({ n: { type: "number", minimum: 0, maximum: 10 } }),
    [{ n: 0 }, { n: 10 }, { n: 5.5 }, { n: -1 }, { n: 11 }, { n: "5" }],
  ],
  ["an integer", form({ n: { type: "integer", minimum: 1 } }), [{ n: 3 }, { n: 3.5 }, { n: 0 }, { n: 2.0 }]],
  ["a boolean", form({ ok: { type: "boolean" } }), [{ ok: true }, { ok: false }, { ok: "true" }, { ok: 1 }]],
  [
    "a choice (enum, titled oneOf, legacy enumNames)",
    form({
      a: { type: "string", enum: ["x", "y"] },
      b: {
        type: "string",
        oneOf: [
          { const: "p", title: "P" },
          { const: "q", title: "Q" },
        ],
      },
      c: { type: "string", enum: ["m", "n"], enumNames: ["M", "N"] },
    }),
    [
      { a: "x", b: "p", c: "m" },
      { a: "z", b: "p", c: "m" },
      { a: "x", b: "r", c: "m" },
      { a: "x", b: "p", c: "o" },
    ],
  ],
  [
    "a multiple choice with bounds (enum items, titled anyOf items)",
    form({
      tags: { type: "array", items: { type: "string", enum: ["a", "b", "c"] }, minItems: 1, maxItems: 2 },
      more: {
        type: "array",
        items: {
          anyOf: [
            { const: "x", title: "X" },
            { const: "y", title: "Y" },
          ],
        },
      },
    }),
    [
      { tags: ["a"], more: ["x", "y"] },
      { tags: [], more: [] },
      { tags: ["a", "b", "c"], more: [] },
      { tags: ["d"], more: [] },
      { tags: ["a"], more: ["z"] },
      { tags: "a", more: [] },
    ],
  ],
  [
    "required and optional fields, and fields the form did not ask for",
    form({ must: { type: "string" }, may: { type: "number" } }, ["must"]),
    [{ must: "x" }, { must: "x", may: 1 }, { may: 1 }, { must: "x", other: true }, {}, null, "text", []],
  ],
];

describe("the Worker's JSON Schema validator for elicitation forms (src/template/mcp/form-validator.ts)", () => {
  const reference = new CfWorkerJsonSchemaValidator();
  const ours = new FormValidator();

  it.each(CASES)("agrees with @cfworker/json-schema: %s", (_name, schema, answers) => {
    const expected = reference.getValidator(schema as never);
    const actual = ours.getValidator(schema as never);
    for (const answer of answers) {
      const want = expected(answer);
      const got = actual(answer);
      expect({ answer, valid: got.valid }).toEqual({ answer, valid: want.valid });
      if (got.valid) expect(got.data).toBe(answer);
      else expect(got.errorMessage).toBeTruthy();
    }
  });

  it("refuses a schema that is no elicitation form, saying what to pass instead", () => {
    for (const schema of [
      { type: "string" },
      form({ nested: { type: "object", properties: {} } }),
      form({ n: { type: "string", format: "hostname" } }),
      form({ list: { type: "array", items: { type: "number" } } }),
    ]) {
      expect(() => ours.getValidator(schema as never)).toThrow(/elicitation forms only.*CfWorkerJsonSchemaValidator/);
    }
  });

  it("is the validator the SDK uses when a server names none", () => {
    const server = new McpServer({ name: "t", version: "1.0.0" });
    expect((server.server as unknown as { _jsonSchemaValidator: unknown })._jsonSchemaValidator).toBeInstanceOf(
      FormValidator,
    );
  });
});
