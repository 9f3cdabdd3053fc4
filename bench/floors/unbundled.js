// Stands in for Ajv, ajv-formats, zod/v3 and zod-to-json-schema in the 1.x floors (./v1-*.toml
// [alias]), as src/aliases/ did in the 1.x baseline: the 1.x SDK imports them statically, and a
// Worker that passes the cfworker validator and defines its schemas with Zod 4 never runs them.
export default function unbundled() {
  throw new Error("not bundled in the reference floor (bench/floors/unbundled.js)");
}
export const zodToJsonSchema = unbundled;
