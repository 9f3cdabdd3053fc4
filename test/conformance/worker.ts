// The conformance fixture Worker: the template's own Worker (src/template/index.ts: router, middleware,
// MCP handler) serving the fixture registry instead of the example tools. Never deployed; run by
// `npm run conformance`, or by hand: npx wrangler dev -c test/conformance/wrangler.toml
import worker from "../../src/template/index.js";
import { useRegistry } from "../../src/template/mcp/server.js";
import { conformanceRegistry } from "./fixtures/registry.js";

useRegistry(conformanceRegistry);

// Its Durable Objects: those of the optional parts present (the 2025-era questions wait in a
// Mailbox, src/template/optional/questions/). scripts/conformance.mjs adds their bindings to the
// fixture's wrangler.toml from the template's.
export * from "../../src/template/optional/durable-objects.gen.js";
export default worker;
