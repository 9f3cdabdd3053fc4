// Arguments for a first call of a tool, made from the JSON Schema it advertises (its
// `inputSchema` in tools/list), so the host opens on a call the tool accepts rather than on an
// input-validation error. Each required property takes, in order: the schema's first `examples`
// entry (zod: `.meta({ examples: [...] })`), its `default`, its `const`, its first `enum` value, or
// the smallest value its type and bounds allow (0 when in range). Optional properties are left
// out: the tool's own defaults apply. No DOM here: a workerd test checks it against real schemas.

type Schema = Record<string, unknown>;

const MAX_DEPTH = 8;

export function exampleArguments(inputSchema: unknown): Record<string, unknown> {
  const value = exampleOf(inputSchema, 0);
  return isObject(value) ? value : {};
}

function exampleOf(schema: unknown, depth: number): unknown {
  if (!isObject(schema) || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("default" in schema) return schema.default;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const choices = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(choices) && choices.length > 0) return exampleOf(choices[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object":
      return objectOf(schema, depth);
    case "array": {
      const count = typeof schema.minItems === "number" ? schema.minItems : 0;
      return Array.from({ length: Math.min(count, 100) }, () => exampleOf(schema.items, depth + 1));
    }
    case "number":
    case "integer":
      return numberIn(schema, type === "integer");
    case "boolean":
      return false;
    case "null":
      return null;
    case "string":
      return "x".repeat(typeof schema.minLength === "number" ? Math.min(schema.minLength, 1000) : 0);
    default:
      return isObject(schema.properties) ? objectOf(schema, depth) : undefined;
  }
}

function objectOf(schema: Schema, depth: number): Record<string, unknown> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : [];
  const out: Record<string, unknown> = {};
  for (const name of required) {
    const value = exampleOf(properties[name], depth + 1);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** 0 if the bounds allow it, else the bound nearest to 0 (stepped inside an exclusive one). */
function numberIn(schema: Schema, integer: boolean): number {
  const step = integer ? 1 : Number.EPSILON;
  const low =
    typeof schema.exclusiveMinimum === "number"
      ? schema.exclusiveMinimum + (integer ? 1 : Math.max(step, Math.abs(schema.exclusiveMinimum) * 1e-9))
      : typeof schema.minimum === "number"
        ? schema.minimum
        : -Infinity;
  const high =
    typeof schema.exclusiveMaximum === "number"
      ? schema.exclusiveMaximum - (integer ? 1 : Math.max(step, Math.abs(schema.exclusiveMaximum) * 1e-9))
      : typeof schema.maximum === "number"
        ? schema.maximum
        : Infinity;
  const value = Math.min(Math.max(0, low), high);
  return integer ? (value >= 0 ? Math.ceil(value) : Math.floor(value)) : value;
}

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
