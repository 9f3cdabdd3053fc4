/**
 * Stands in for `ajv` in the Worker bundle (wrangler.toml [alias]).
 *
 * The MCP SDK's server and client modules import their default JSON Schema validator, Ajv,
 * statically, even when a validator is passed in. Ajv compiles schemas with `new Function`, which
 * Workers forbid, so this server always passes the cfworker validator (src/mcp/validator.ts) and
 * Ajv is dead code — about 50 KiB gzip and several ms of startup CPU. If this ever throws, some
 * code built an SDK Server or Client without `jsonSchemaValidator`: pass it.
 */
export default class Ajv {
  constructor() {
    throw new Error(
      "Ajv is not bundled (wrangler.toml [alias]): pass `jsonSchemaValidator` from src/mcp/validator.ts to the SDK",
    );
  }
}
