import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AnyPrompt, AnyTool, McpContext, ResourceDefinition } from "./define.js";
import { serverInfo } from "./info.js";
import { prompts, resources, tools } from "./registry.gen.js";
import { jsonSchemaValidator } from "./validator.js";

/**
 * A fresh MCP server for one request, with every tool, resource and prompt in the registry.
 * Stateless Streamable HTTP needs a new server and transport per request (the SDK refuses to
 * reuse them); everything that can be shared (definitions, schemas, validators) is built once.
 */
export function createMcpServer(ctx: McpContext): McpServer {
  const server = new McpServer(
    { name: serverInfo.name, title: serverInfo.title, version: serverInfo.version },
    { instructions: serverInfo.instructions, jsonSchemaValidator },
  );
  for (const tool of tools) registerTool(server, tool, ctx);
  for (const resource of resources) registerResource(server, resource, ctx);
  for (const prompt of prompts) registerPrompt(server, prompt, ctx);
  return server;
}

function registerTool(server: McpServer, tool: AnyTool, ctx: McpContext): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema,
      outputSchema: tool.outputSchema,
      annotations: tool.annotations,
    },
    (args: Record<string, unknown>) => tool.handler(args, ctx),
  );
}

function registerResource(server: McpServer, resource: ResourceDefinition, ctx: McpContext): void {
  const metadata = { title: resource.title, description: resource.description, mimeType: resource.mimeType };
  if (!resource.uri.includes("{")) {
    server.registerResource(resource.name, resource.uri, metadata, (uri) => resource.read(uri, {}, ctx));
    return;
  }
  // The SDK looks completers up by the client's argument name: without a prototype, "constructor"
  // finds nothing instead of Object's constructor.
  const complete = resource.complete && Object.assign(Object.create(null), resource.complete);
  const template = new ResourceTemplate(resource.uri, { list: undefined, complete });
  server.registerResource(resource.name, template, metadata, (uri, variables) =>
    resource.read(uri, flatten(variables), ctx),
  );
}

function registerPrompt(server: McpServer, prompt: AnyPrompt, ctx: McpContext): void {
  server.registerPrompt(
    prompt.name,
    { title: prompt.title, description: prompt.description, argsSchema: prompt.argsSchema },
    (args: Record<string, unknown>) => prompt.get(args, ctx),
  );
}

function flatten(variables: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]));
}
