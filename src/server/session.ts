import * as z from "zod";

/**
 * Per-connection settings: what a user can set when they connect (on Smithery, a form it builds
 * from this schema). Declared once here: the Worker reads and validates each request against it
 * and hands the result to every handler as `ctx.session`; `npm run smithery:schema` prints it as
 * JSON Schema, and `npm run publish:smithery` hands that to `smithery mcp publish --config-schema`.
 *
 * Each field names where its value travels, with Smithery's `x-from`: `{ header: name }` or
 * `{ query: name }`. Smithery's gateway reads the value there from the client and forwards it to
 * this server in the same place. Keep within Smithery's limits (test/session-config.test.ts
 * checks them): at most 20 fields and 1 KB, string/number/boolean only, and no `authorization`,
 * `cookie`, `cf-*` or `smithery-*` header. Every field needs a default or `.optional()`:
 * Smithery's scanner connects with none of them.
 *
 * This file imports nothing but zod, so the Node scripts can load it as it is.
 */
export const TEMPERATURE_UNITS = ["celsius", "fahrenheit", "kelvin"] as const;

export const sessionSchema = z.object({
  temperatureUnit: z
    .enum(TEMPERATURE_UNITS)
    .default("celsius")
    .describe("Unit convert_temperature answers in when the call names none")
    .meta({ title: "Temperature unit", "x-from": { query: "temperatureUnit" } }),
  githubToken: z
    .string()
    // GitHub's token formats (ghp_…, github_pat_…, gho_…, 40 hex digits) use only these characters.
    .regex(/^[A-Za-z0-9_]{30,255}$/, "must be a GitHub token (ghp_…, github_pat_…)")
    .optional()
    .describe("GitHub token for github_repo: 5,000 requests an hour instead of 60")
    .meta({ title: "GitHub token", "x-from": { header: "x-github-token" } }),
});
