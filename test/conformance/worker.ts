// The conformance fixture Worker: the template's own Worker (src/template/index.ts: router, middleware,
// MCP handler) serving the fixture registry instead of the example tools. Never deployed; run by
// `npm run conformance`, or by hand: npx wrangler dev -c test/conformance/wrangler.toml
import worker from "../../src/template/index.js";
import { useRegistry } from "../../src/template/mcp/server.js";
import { conformanceRegistry } from "./fixtures/registry.js";

useRegistry(conformanceRegistry);

// Its Durable Objects: the 2025-era questions to the client wait in a Mailbox (src/template/mcp/legacy-push.ts).
export { Mailbox } from "../../src/template/index.js";
export default worker;
