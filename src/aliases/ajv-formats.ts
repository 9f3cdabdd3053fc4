/** Stands in for `ajv-formats` in the Worker bundle: see ./ajv.ts for why Ajv is left out. */
export default function addFormats(): never {
  throw new Error("ajv-formats is not bundled (wrangler.toml [alias]): see src/aliases/ajv.ts");
}
