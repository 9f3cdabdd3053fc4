import {
  InMemoryTransport,
  type JSONRPCMessage,
  McpServer,
  ResourceTemplate,
  type ServerCapabilities,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { AuthMode } from "../config.js";
import { resourceCacheHint, serverCacheHints } from "./cache.js";
import type { AnyPrompt, AnyTool, Era, McpContext, ResourceDefinition } from "./define.js";
import { serverInfo } from "./info.js";
import { prompts, resources, tools } from "./registry.gen.js";
import { withCachedJsonSchema } from "./schemas.js";

/** What one request brings to its handlers: everything in McpContext but the per-call parts. */
export type McpRequest = Omit<McpContext, "era" | "signal" | "mcp"> & { auth: AuthMode };

/**
 * Only what a stateless Worker delivers, for the kinds the registry has: the lists never change
 * while it runs, so no `listChanged` (the SDK would default it to true), and no resource
 * subscriptions. The SDK adds `completions` for the resource template's completer.
 */
const capabilities: ServerCapabilities = {
  ...(tools.length > 0 && { tools: { listChanged: false } }),
  ...(resources.length > 0 && { resources: { listChanged: false } }),
  ...(prompts.length > 0 && { prompts: { listChanged: false } }),
};

/** The list requests this server answers: one per kind the registry has. */
export const LIST_METHODS = [
  ...(tools.length > 0 ? (["tools/list"] as const) : []),
  ...(resources.length > 0 ? (["resources/list", "resources/templates/list"] as const) : []),
  ...(prompts.length > 0 ? (["prompts/list"] as const) : []),
];
type ListMethod = "tools/list" | "resources/list" | "resources/templates/list" | "prompts/list";

/**
 * A fresh MCP server for one request, in either era, with the tools, resources and prompts of the
 * registry that the request can reach (`registrationsFor`; all of them without a body). The SDK needs a new instance per request (createMcpHandler refuses to reuse one);
 * what is the same for every request is built once per isolate: the zod objects live in their
 * files, their JSON Schemas are kept (src/mcp/schemas.ts), and the list answers are computed once
 * (see `cachedList`).
 */
export function createMcpServer(request: McpRequest, era: Era, body?: unknown): McpServer {
  const server = buildServer(request, era, registrationsFor(body));
  // The registry is fixed when the Worker is built, so the lists are the same for every request
  // and every caller: answer with the SDK's own answers, computed once. (A fork whose lists
  // depend on the caller removes this line, and makes their cache hints private: src/mcp/cache.ts.)
  for (const method of LIST_METHODS) {
    // The SDK's own earlier answer, so its type is the method's result type.
    server.server.setRequestHandler(method, (() => cachedList(method, request)) as never);
  }
  return server;
}

/** Whether a request is a list this server answers from its per-isolate cache (`cachedList`). */
export function answersFromCache(body: unknown): boolean {
  const method = typeof body === "object" && body !== null && (body as { method?: unknown }).method;
  return typeof method === "string" && (LIST_METHODS as readonly string[]).includes(method);
}

/** Which tools, resources and prompts a request's server registers. */
interface Registrations {
  tools: readonly AnyTool[];
  resources: readonly ResourceDefinition[];
  prompts: readonly AnyPrompt[];
}

const EVERYTHING: Registrations = { tools, resources, prompts };
const NOTHING: Registrations = { tools: [], resources: [], prompts: [] };
const toolsByName = new Map(tools.map((tool) => [tool.name, [tool]]));
const promptsByName = new Map(prompts.map((prompt) => [prompt.name, [prompt]]));

/**
 * What a request's server needs registered, from its (already parsed) body. The SDK builds a
 * server for every request, and each registration costs closures, name checks and bookkeeping: on
 * a request that uses one tool, or none, registering them all is most of what building the server
 * costs. The answers are the same either way:
 * - the lists come from the per-isolate cache (`cachedList`): nothing registered;
 * - `tools/call` and `prompts/get` register the one they name (an unknown name is refused by the
 *   SDK as before);
 * - everything else registers everything: `initialize` and `server/discover` (capabilities follow
 *   from the registrations: a resource template's completer adds `completions`), `resources/read`
 *   (matched by URI), `completion/complete`, batches, notifications.
 */
function registrationsFor(body: unknown): Registrations {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return EVERYTHING;
  const { method, params } = body as { method?: unknown; params?: { name?: unknown } };
  if (typeof method !== "string") return EVERYTHING;
  if (answersFromCache(body)) return NOTHING;
  const name = typeof params?.name === "string" ? params.name : undefined;
  if (method === "tools/call") return { ...NOTHING, tools: (name && toolsByName.get(name)) || [] };
  if (method === "prompts/get") return { ...NOTHING, prompts: (name && promptsByName.get(name)) || [] };
  return EVERYTHING;
}

function buildServer(request: McpRequest, era: Era, only: Registrations = EVERYTHING): McpServer {
  const server = new McpServer(
    { name: serverInfo.name, title: serverInfo.title, version: serverInfo.version },
    { instructions: serverInfo.instructions, capabilities, cacheHints: serverCacheHints(request.auth) },
  );
  for (const tool of only.tools) registerTool(server, tool, request, era);
  for (const resource of only.resources) registerResource(server, resource, request, era);
  for (const prompt of only.prompts) registerPrompt(server, prompt, request, era);
  return server;
}

function contextFor(request: McpRequest, era: Era, mcp: ServerContext): McpContext {
  return { ...request, era, signal: mcp.mcpReq.signal, mcp };
}

function registerTool(server: McpServer, tool: AnyTool, request: McpRequest, era: Era): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: withCachedJsonSchema(tool.inputSchema),
      outputSchema: tool.outputSchema && withCachedJsonSchema(tool.outputSchema),
      annotations: tool.annotations,
    },
    (args: Record<string, unknown>, mcp: ServerContext) => tool.handler(args, contextFor(request, era, mcp)),
  );
}

function registerResource(server: McpServer, resource: ResourceDefinition, request: McpRequest, era: Era): void {
  const metadata = {
    title: resource.title,
    description: resource.description,
    mimeType: resource.mimeType,
    cacheHint: resourceCacheHint(resource, request.auth),
  };
  if (!resource.uri.includes("{")) {
    server.registerResource(resource.name, resource.uri, metadata, (uri, mcp) =>
      resource.read(uri, {}, contextFor(request, era, mcp)),
    );
    return;
  }
  // The SDK looks completers up by the client's argument name: without a prototype, "constructor"
  // finds nothing instead of Object's constructor.
  const complete = resource.complete && Object.assign(Object.create(null), resource.complete);
  const template = new ResourceTemplate(resource.uri, { list: undefined, complete });
  server.registerResource(resource.name, template, metadata, (uri, variables, mcp) =>
    resource.read(uri, flatten(variables), contextFor(request, era, mcp)),
  );
}

function registerPrompt(server: McpServer, prompt: AnyPrompt, request: McpRequest, era: Era): void {
  server.registerPrompt(
    prompt.name,
    { title: prompt.title, description: prompt.description, argsSchema: withCachedJsonSchema(prompt.argsSchema) },
    (args: Record<string, unknown>, mcp: ServerContext) => prompt.get(args, contextFor(request, era, mcp)),
  );
}

function flatten(variables: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]));
}

const lists = new Map<ListMethod, Promise<Record<string, unknown>>>();

/**
 * The SDK's answer to a list request, once per isolate. Building tools/list turns every tool's
 * zod schemas into JSON Schema (prompts/list does the same for prompt arguments), which was most
 * of that request's CPU; here the SDK's own handler runs once, on a server of its own reached
 * in process, and its result is served from then on. Cache hints and `resultType` are added per
 * request by the SDK on the way out, on a copy. A failure is not kept: the next request retries.
 */
function cachedList(method: ListMethod, request: McpRequest): Promise<Record<string, unknown>> {
  let list = lists.get(method);
  if (!list) {
    // String keys only: the SDK's answer arrived in process, not serialized, and still carries the
    // cache hint it attached for the first request's auth mode (on a symbol key). Each request's
    // own server attaches the right one on the way out.
    list = askOnce(buildServer(request, "legacy"), method).then((result) => Object.fromEntries(Object.entries(result)));
    lists.set(method, list);
    list.catch(() => lists.delete(method));
  }
  return list;
}

/** Sends one request to a server over an in-memory transport and returns its result. */
export async function askOnce(server: McpServer, method: string): Promise<Record<string, unknown>> {
  const [result] = await askInProcess(server, [{ method }]);
  return result!;
}

/**
 * Sends requests, in order, to a server over an in-memory transport (the 2025 era, the only one
 * the SDK serves in process) and returns their results. The server is closed afterwards.
 */
export async function askInProcess(
  server: McpServer,
  requests: readonly { method: string; params?: Record<string, unknown> }[],
): Promise<Record<string, unknown>[]> {
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  client.onmessage = (message: JSONRPCMessage) => {
    if (!("id" in message) || typeof message.id !== "number") return;
    const waiting = pending.get(message.id);
    if ("result" in message) waiting?.resolve(message.result as Record<string, unknown>);
    else if ("error" in message)
      waiting?.reject(new Error(`${requests[message.id]?.method} failed: ${message.error.message}`));
  };
  await server.connect(serverSide);
  try {
    const results: Record<string, unknown>[] = [];
    for (const [id, request] of requests.entries()) {
      const answer = new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
      await client.send({ jsonrpc: "2.0", id, ...request });
      results.push(await answer);
    }
    return results;
  } finally {
    await server.close();
  }
}
