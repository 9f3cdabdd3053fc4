// The 1.x SDK (`@modelcontextprotocol/sdk`, a dev dependency) served the way its docs serve a
// stateless Worker: a server and a `WebStandardStreamableHTTPServerTransport` per request, the
// transport's defaults (no session id; answers as an event stream), one tool. 2025 era only.
// Workers forbid `new Function`, so the SDK gets the cfworker validator instead of Ajv, and Ajv and
// Zod 3 are left out of the bundle (./v1-*.toml [alias], ./unbundled.js) exactly as the 1.x
// baseline (7768d15) left them out: this floor is the SDK as that baseline shipped it.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import * as tool from "./temperature.js";

const jsonSchemaValidator = new CfWorkerJsonSchemaValidator();

export async function mcpFetch(request) {
  const server = new McpServer({ name: "floor-v1", version: "1.0.0" }, { jsonSchemaValidator });
  server.registerTool(tool.name, tool.config, tool.handler);
  const transport = new WebStandardStreamableHTTPServerTransport();
  await server.connect(transport);
  return transport.handleRequest(request);
}
