import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from "@modelcontextprotocol/server";
import * as z from "zod";

/**
 * The SDK's JSON Schema validator in this Worker (src/template/mcp/sdk-shims.ts): Zod, which the
 * Worker carries anyway, instead of @cfworker/json-schema, a sixth of the upload's dependencies
 * beyond the SDK and the provider (about 6 KiB gzip).
 *
 * On a server the SDK validates one thing against a JSON Schema: what a 2025-era client answers to
 * a form the server asked for with `elicitInput`, against the form's `requestedSchema`. The
 * protocol allows only a flat object of primitive fields there (string with length bounds and a
 * format, number or integer with bounds, boolean, a single or multiple choice), and the SDK refuses
 * to send any other form; each is translated here into the Zod schema that checks it. A schema
 * outside that (the SDK's `fromJsonSchema` for a tool's arguments, say) is refused with what to
 * pass instead.
 */
export class FormValidator implements jsonSchemaValidator {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    const zod = formSchema(schema);
    return (input) => {
      const parsed = zod.safeParse(input);
      if (parsed.success) return { valid: true, data: input as T, errorMessage: undefined };
      const message = parsed.error.issues.map((i) => `/${i.path.join("/")}: ${i.message}`).join("; ");
      return { valid: false, data: undefined, errorMessage: message };
    };
  }
}

type Json = Record<string, unknown>;

const FORMATS: Record<string, () => z.ZodType> = {
  email: () => z.email(),
  uri: () => z.url(),
  date: () => z.iso.date(),
  "date-time": () => z.iso.datetime({ offset: true }),
};

function formSchema(schema: JsonSchemaType): z.ZodType {
  const { type, properties = {}, required = [] } = schema as Json & { properties?: Json; required?: string[] };
  if (type !== "object" || !isRecord(properties)) unsupported("a form is an object of fields");
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(properties)) {
    const check = fieldSchema(isRecord(field) ? field : unsupported(`field ${name}`));
    shape[name] = required.includes(name) ? check : check.optional();
  }
  // Like JSON Schema without `additionalProperties`, other keys are allowed (and kept as sent).
  return z.looseObject(shape);
}

function fieldSchema(field: Json): z.ZodType {
  const choices = choicesOf(field);
  if (field.type === "array") {
    const items = isRecord(field.items) ? choicesOf(field.items) : undefined;
    if (!items) unsupported("an array field is a multiple choice");
    let array = z.array(z.enum(items));
    if (typeof field.minItems === "number") array = array.min(field.minItems);
    if (typeof field.maxItems === "number") array = array.max(field.maxItems);
    return array;
  }
  if (choices) return z.enum(choices);
  if (field.type === "string") {
    const format = typeof field.format === "string" ? FORMATS[field.format] : undefined;
    if (field.format !== undefined && !format) unsupported(`format ${String(field.format)}`);
    const { minLength: min, maxLength: max } = field;
    // Lengths in characters (code points), as JSON Schema counts them; a format and bounds both apply.
    let text: z.ZodType<string> = z.string();
    if (typeof min === "number") text = text.refine((s) => [...s].length >= min, `must be at least ${min} characters`);
    if (typeof max === "number") text = text.refine((s) => [...s].length <= max, `must be at most ${max} characters`);
    return format ? z.intersection(text, format()) : text;
  }
  if (field.type === "number" || field.type === "integer") {
    let number = field.type === "integer" ? z.int() : z.number();
    if (typeof field.minimum === "number") number = number.min(field.minimum);
    if (typeof field.maximum === "number") number = number.max(field.maximum);
    return number;
  }
  if (field.type === "boolean") return z.boolean();
  return unsupported(`type ${JSON.stringify(field.type)}`);
}

/** The values a single choice allows: `enum`, or `oneOf`/`anyOf` of `{ const }` (titled choices). */
function choicesOf(field: Json): [string, ...string[]] | undefined {
  const consts = (list: unknown) =>
    Array.isArray(list) && list.every((o) => isRecord(o) && typeof o.const === "string")
      ? list.map((o) => (o as { const: string }).const)
      : undefined;
  const values = Array.isArray(field.enum) ? field.enum : (consts(field.oneOf) ?? consts(field.anyOf));
  if (!values) return undefined;
  if (values.length === 0 || !values.every((v) => typeof v === "string")) unsupported("choices are strings");
  return values as [string, ...string[]];
}

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unsupported(what: string): never {
  throw new Error(
    `This Worker validates JSON Schema for elicitation forms only (${what}): for any other schema, pass a validator, ` +
      'e.g. `new CfWorkerJsonSchemaValidator()` from "@modelcontextprotocol/server/validators/cf-worker".',
  );
}
