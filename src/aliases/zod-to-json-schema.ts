/** Stands in for `zod-to-json-schema` (Zod 3 only) in the Worker bundle: see ./zod-v3.ts. */
export function zodToJsonSchema(): never {
  throw new Error(
    "zod-to-json-schema is not bundled (wrangler.toml [alias]): define schemas with Zod 4, or remove the alias",
  );
}
