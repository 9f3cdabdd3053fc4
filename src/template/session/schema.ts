import * as z from "zod";
import type { sessionSchema } from "../../server/session.js";

/**
 * What the harness knows of the per-connection settings that src/server/session.ts declares.
 * This file imports nothing but zod (and a type), so the Node scripts can load it as it is.
 */

/** The settings of one connection, validated, with defaults applied. */
export type Session = z.output<typeof sessionSchema>;

/** Where a setting is read from, as Smithery's `x-from` says. */
export type SessionSource = { header: string } | { query: string };

/**
 * A settings schema as Smithery takes it (`--config-schema`): JSON Schema of the *input*, so
 * fields with a default are optional. `$schema` is left out: it would spend 50 of the 1 KB on nothing.
 */
export function sessionJsonSchema(schema: z.ZodObject): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
  return json;
}
