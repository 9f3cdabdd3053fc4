import type * as z from "zod";

type JsonSchemaOf = (options: { target: string }) => Record<string, unknown>;

const cached = new WeakMap<z.ZodObject, z.ZodObject>();

/**
 * The same zod object, whose JSON Schema is computed once per isolate instead of once per request.
 *
 * The SDK turns a tool's schemas into JSON Schema through Standard Schema's `~standard.jsonSchema`
 * on every request that needs them (a 2026-07-28 tools/call checks the input schema for
 * `x-mcp-header` parameters; every tools/call projects its result through the output schema), and
 * a per-request server cannot keep the answer. The schemas never change, so the conversion is
 * kept here. Everything else — validation, `.shape`, zod's methods — is the original's: the
 * returned object inherits from it.
 */
export function withCachedJsonSchema<S extends z.ZodObject>(schema: S): S {
  let wrapped = cached.get(schema);
  if (!wrapped) {
    const standard = schema["~standard"] as z.ZodObject["~standard"] & {
      jsonSchema: { input: JsonSchemaOf; output: JsonSchemaOf };
    };
    const memo = new Map<string, Record<string, unknown>>();
    const convert =
      (io: "input" | "output"): JsonSchemaOf =>
      (options) => {
        const key = `${io} ${options?.target}`;
        let json = memo.get(key);
        if (!json) {
          json = standard.jsonSchema[io](options);
          memo.set(key, json);
        }
        return json;
      };
    wrapped = Object.create(schema, {
      "~standard": { value: { ...standard, jsonSchema: { input: convert("input"), output: convert("output") } } },
    }) as S;
    cached.set(schema, wrapped);
  }
  return wrapped as S;
}
