// npm run smithery:schema [-- --compact]
//
// Prints the session configuration schema (src/server/session.ts) as the JSON Schema Smithery
// takes with `smithery mcp publish --config-schema`, after checking it keeps within Smithery's
// limits (exits 1 naming the problem when not).
import { configSchemaOrExit } from "./lib/smithery.ts";

const schema = configSchemaOrExit();
console.log(JSON.stringify(schema, null, process.argv.includes("--compact") ? undefined : 2));
