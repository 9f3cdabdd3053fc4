/**
 * Stands in for `zod/v3` in the Worker bundle (wrangler.toml [alias]).
 *
 * The MCP SDK accepts Zod 3 and Zod 4 schemas and imports Zod 3's runtime to build objects from
 * Zod 3 shapes. This template defines everything with Zod 4 (`import * as z from "zod"`), so that
 * branch never runs; leaving it out saves Zod 3's whole class hierarchy (~20 KiB gzip). To use
 * Zod 3 schemas, remove the `zod/v3` and `zod-to-json-schema` aliases.
 */
export function object(): never {
  throw new Error("zod/v3 is not bundled (wrangler.toml [alias]): define schemas with Zod 4, or remove the alias");
}
