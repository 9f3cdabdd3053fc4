// Reference floor `v2-lean`: the 2.x SDK driven as cheaply as it can be while it still speaks the
// protocol, for the tools/call budget: what no Worker on this engine can go below. Per request a
// fresh server and transport (the SDK refuses to reuse either), the body read and parsed once and
// handed to the SDK, one JSON answer, and each JSON Schema converted once per isolate rather than on
// every call. No router, no origin, size or media-type checks, no session settings, no auth: the
// era is told by the envelope claim alone. Both eras, one tool.
import {
  createMcpHandler,
  McpServer,
  PROTOCOL_VERSION_META_KEY,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import * as tool from "./temperature.js";

/** The same zod object, its JSON Schema computed once (the SDK converts it on every call). */
function convertedOnce(schema) {
  const standard = schema["~standard"];
  const kept = new Map();
  const convert = (io) => (options) => {
    const key = `${io} ${options?.target}`;
    if (!kept.has(key)) kept.set(key, standard.jsonSchema[io](options));
    return kept.get(key);
  };
  return Object.create(schema, {
    "~standard": { value: { ...standard, jsonSchema: { input: convert("input"), output: convert("output") } } },
  });
}

const config = {
  ...tool.config,
  inputSchema: convertedOnce(tool.config.inputSchema),
  outputSchema: convertedOnce(tool.config.outputSchema),
};

function server() {
  const mcp = new McpServer({ name: "floor-v2-lean", version: "1.0.0" });
  mcp.registerTool(tool.name, config, tool.handler);
  return mcp;
}

const modern = createMcpHandler(server, { legacy: "reject" });

export default {
  async fetch(request) {
    if (request.method !== "POST" || new URL(request.url).pathname !== "/mcp")
      return new Response(null, { status: 404 });
    const body = await request.json();
    if (body?.params?._meta?.[PROTOCOL_VERSION_META_KEY] !== undefined) {
      return modern.fetch(request, { parsedBody: body });
    }
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server().connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  },
};
