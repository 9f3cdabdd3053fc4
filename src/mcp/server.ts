import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema, type ListToolsResult } from "@modelcontextprotocol/sdk/types.js";
import * as zm from "zod/mini";
import type { AnyPrompt, AnyTool, McpContext, ResourceDefinition } from "./define.js";
import { serverInfo } from "./info.js";
import { prompts, resources, tools } from "./registry.gen.js";
import { jsonSchemaValidator } from "./validator.js";

/**
 * A fresh MCP server for one request, with every tool, resource and prompt in the registry.
 * Stateless Streamable HTTP needs a new server and transport per request (the SDK refuses to
 * reuse them); everything that is the same for every request is built once per isolate:
 * the tools' Zod objects and the tools/list answer (see `listTools`).
 */
export function createMcpServer(ctx: McpContext): McpServer {
  const server = buildServer(ctx);
  // The registry is fixed when the Worker is built, so tools/list is the same for every request
  // and every caller: answer with the SDK's own answer, computed once. (If a fork makes the list
  // depend on the caller, remove this line.)
  server.server.setRequestHandler(ListToolsRequestSchema, () => listTools(ctx));
  return server;
}

function buildServer(ctx: McpContext): McpServer {
  const server = new McpServer(
    { name: serverInfo.name, title: serverInfo.title, version: serverInfo.version },
    { instructions: serverInfo.instructions, jsonSchemaValidator },
  );
  for (const tool of tools) registerTool(server, tool, ctx);
  for (const resource of resources) registerResource(server, resource, ctx);
  for (const prompt of prompts) registerPrompt(server, prompt, ctx);
  return server;
}

let toolList: Promise<ListToolsResult> | undefined;

/**
 * The SDK's tools/list answer, once per isolate. The SDK turns every tool's Zod schemas into JSON
 * Schema on each tools/list, which was most of that request's CPU; here its handler runs once, on
 * a server of its own reached through an in-memory transport, and its result is served from then
 * on. A failure is not kept: the next request tries again.
 */
function listTools(ctx: McpContext): Promise<ListToolsResult> {
  toolList ??= askOnce(buildServer(ctx), "tools/list").catch((error: unknown) => {
    toolList = undefined;
    throw error;
  }) as Promise<ListToolsResult>;
  return toolList;
}

async function askOnce(server: McpServer, method: string): Promise<unknown> {
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  const answer = new Promise<unknown>((resolve, reject) => {
    client.onmessage = (message) => {
      if ("result" in message) resolve(message.result);
      else if ("error" in message) reject(new Error(`${method} failed: ${message.error.message}`));
    };
  });
  await server.connect(serverSide);
  await client.send({ jsonrpc: "2.0", id: 1, method });
  try {
    return await answer;
  } finally {
    await server.close();
  }
}

// The SDK builds a Zod object from a tool's raw shape at every registration, that is for every
// request; built here once per tool (with zod/mini's `object`, exactly what the SDK would use).
const toolSchemas = new WeakMap<AnyTool, { input: zm.ZodMiniObject; output: zm.ZodMiniObject | undefined }>();

function schemasOf(tool: AnyTool) {
  let schemas = toolSchemas.get(tool);
  if (!schemas) {
    schemas = {
      input: zm.object(tool.inputSchema),
      output: tool.outputSchema ? zm.object(tool.outputSchema) : undefined,
    };
    toolSchemas.set(tool, schemas);
  }
  return schemas;
}

function registerTool(server: McpServer, tool: AnyTool, ctx: McpContext): void {
  const { input, output } = schemasOf(tool);
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: input,
      outputSchema: output,
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
