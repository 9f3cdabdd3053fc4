import {
  EXTENSION_ID,
  RESOURCE_MIME_TYPE,
  registerAppResource,
  registerAppTool,
} from "@modelcontextprotocol/ext-apps/server";
import {
  McpServer,
  ResourceTemplate,
  type ScopeChallengeHandler,
  type ServerCapabilities,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { serverInfo } from "../../server/info.js";
import { type AuthMode, getConfig } from "../config.js";
import { snapshot } from "../snapshot.gen.js";
import { resourceCacheHint, serverCacheHints, viewCacheHint } from "./cache.js";
import {
  type AnyPrompt,
  type AnyTool,
  type Era,
  isApp,
  type McpContext,
  type ResourceDefinition,
  type ViewDefinition,
} from "./define.js";
import { askOnce } from "./in-process.js";
import { methodOf } from "./message.js";
import { parts } from "./parts.gen.js";
import * as generated from "./registry.gen.js";
import { requestStateVerifier } from "./request-state.js";
import { readView } from "./views.js";

/**
 * What one request brings to its handlers: everything in McpContext but the per-call parts, and
 * whether its client renders MCP Apps (src/template/mcp/apps-negotiation.ts): only then are views offered.
 */
export type McpRequest = Omit<McpContext, "era" | "signal" | "mcp"> & { auth: AuthMode; apps: boolean };

/**
 * What the server offers. The Worker serves src/template/mcp/registry.gen.ts (one file per tool, resource,
 * prompt); the conformance fixtures (test/conformance/) swap in their own with `useRegistry`.
 */
export interface Registry {
  readonly tools: readonly AnyTool[];
  readonly resources: readonly ResourceDefinition[];
  readonly prompts: readonly AnyPrompt[];
  /** Capabilities beyond the kinds above, with what serves them (`extend`): logging, say. */
  readonly capabilities?: ServerCapabilities;
  readonly extend?: (server: McpServer) => void;
}

let registry: Registry = generated;
/**
 * Only what a stateless Worker delivers, for the kinds the registry has: the lists never change
 * while it runs, so no `listChanged` (the SDK would default it to true), and no resource
 * subscriptions. The SDK adds `completions` for the resource template's completer.
 */
let capabilities: ServerCapabilities = capabilitiesOf(registry);
/** The list requests this server answers: one per kind the registry has. */
export let LIST_METHODS = listMethodsOf(registry);
/** The tools that have a view (MCP Apps), offered as apps to clients that render them. */
let apps = registry.tools.filter(isApp);

/**
 * Serves `next` instead of the generated registry, from the next request on: the conformance
 * fixture Worker (test/conformance/worker.ts) and tests call it before anything is served.
 */
export function useRegistry(next: Registry): void {
  registry = next;
  capabilities = capabilitiesOf(next);
  LIST_METHODS = listMethodsOf(next);
  apps = next.tools.filter(isApp);
  EVERYTHING = next;
  toolsByName = byName(next.tools);
  promptsByName = byName(next.prompts);
}

/** The registry being served: what the server card's snapshot was taken of (src/template/card/snapshot.ts). */
export function servedRegistry(): Registry {
  return registry;
}

function capabilitiesOf({ tools, resources, prompts, capabilities }: Registry): ServerCapabilities {
  const hasApps = tools.some(isApp);
  return {
    ...(tools.length > 0 && { tools: { listChanged: false } }),
    ...((resources.length > 0 || hasApps) && { resources: { listChanged: false } }),
    ...(prompts.length > 0 && { prompts: { listChanged: false } }),
    // MCP Apps (io.modelcontextprotocol/ui): this server has views for clients that declare it too.
    ...(hasApps && { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } }),
    ...capabilities,
  };
}

function listMethodsOf({ tools, resources, prompts }: Registry) {
  return [
    ...(tools.length > 0 ? (["tools/list"] as const) : []),
    ...(resources.length > 0 || tools.some(isApp) ? (["resources/list", "resources/templates/list"] as const) : []),
    ...(prompts.length > 0 ? (["prompts/list"] as const) : []),
  ];
}

/**
 * A fresh MCP server for one request, in either era, with the tools, resources and prompts of the
 * registry that the request can reach (`registrationsFor`; all of them without a body). The SDK
 * needs a new instance per request (createMcpHandler refuses to reuse one). What is the same for
 * every request is computed once per isolate by an optional part (src/template/optional/isolate-cache/,
 * through `parts`): the lists and the tools' JSON Schemas.
 */
export function createMcpServer(request: McpRequest, era: Era, body?: unknown): McpServer {
  const server = buildServer(request, era, registrationsFor(body));
  // Only the list this request asks for (every list for a batch, or without a body): each handler
  // costs closures and the SDK's bookkeeping, on every request, tools/call included.
  const asked = methodOf(body);
  parts.isolateCache.installLists(server, {
    methods: asked === undefined ? LIST_METHODS : LIST_METHODS.filter((method) => method === asked),
    apps: request.apps,
    source: registry,
    compute: (method) => builtList(method, request) ?? computeList(method, request),
  });
  return server;
}

/**
 * The generated registry's answer to a list request as the build took it (src/template/snapshot.ts):
 * turning every tool's zod schemas into JSON Schema for tools/list was most of what a new
 * isolate's first list cost. Any other registry (a test's) has none: it is computed.
 */
function builtList(method: string, request: McpRequest): Promise<Record<string, unknown>> | undefined {
  const built = registry === generated ? snapshot?.lists[`${method} ${request.apps}`] : undefined;
  return built && Promise.resolve(built);
}

/**
 * The SDK's own answer to a list request, from a server that registers everything, asked in
 * process: what the lists are computed from at run time, and what the build writes into the snapshot.
 */
export function computeList(method: string, request: McpRequest): Promise<Record<string, unknown>> {
  return askOnce(buildServer(request, "legacy"), method);
}

/** The tool the registry serves under `name`, if any (the per-caller limits read its `rateLimit`). */
export function toolNamed(name: string): AnyTool | undefined {
  return toolsByName.get(name)?.[0];
}

/**
 * The name of what a request uses, as this server knows it, for its log line: the tool of a
 * `tools/call`, the prompt of a `prompts/get`, the resource a `resources/read` URI is (a fixed
 * URI, an app's view, or a template's URIs by its fixed start); `(unknown)` for a name or URI the
 * server does not have. Undefined for methods that name nothing. Never the client's own text.
 */
export function knownName(method: string, params: Record<string, unknown> | undefined): string | undefined {
  const named = params?.name;
  if (method === "tools/call") return (typeof named === "string" && toolsByName.get(named)?.[0]?.name) || UNKNOWN;
  if (method === "prompts/get") return (typeof named === "string" && promptsByName.get(named)?.[0]?.name) || UNKNOWN;
  if (method !== "resources/read") return undefined;
  const uri = params?.uri;
  if (typeof uri !== "string") return UNKNOWN;
  const names = resourceNames();
  return names.fixed.get(uri) ?? names.templates.find(([start]) => uri.startsWith(start))?.[1] ?? UNKNOWN;
}

const UNKNOWN = "(unknown)";
let resourceIndex: { of: Registry; fixed: Map<string, string>; templates: [string, string][] } | undefined;

function resourceNames(): NonNullable<typeof resourceIndex> {
  if (resourceIndex?.of === registry) return resourceIndex;
  const fixed = new Map<string, string>();
  const templates: [string, string][] = [];
  for (const r of registry.resources) {
    if (r.uri.includes("{")) templates.push([r.uri.slice(0, r.uri.indexOf("{")), r.name]);
    else fixed.set(r.uri, r.name);
  }
  for (const app of apps) fixed.set(app.view.uri, app.name);
  resourceIndex = { of: registry, fixed, templates };
  return resourceIndex;
}

/** Which tools, resources and prompts a request's server registers. */
interface Registrations {
  tools: readonly AnyTool[];
  resources: readonly ResourceDefinition[];
  prompts: readonly AnyPrompt[];
}

const NOTHING: Registrations = { tools: [], resources: [], prompts: [] };
let EVERYTHING: Registrations = registry;
let toolsByName = byName(registry.tools);
let promptsByName = byName(registry.prompts);

function byName<T extends { name: string }>(items: readonly T[]): Map<string, readonly T[]> {
  return new Map(items.map((item) => [item.name, [item]]));
}

/**
 * What a request's server needs registered, from its (already parsed) body. The SDK builds a
 * server for every request, and each registration costs closures, name checks and bookkeeping: on
 * a request that uses one tool, or none, registering them all is most of what building the server
 * costs. The answers are the same either way:
 * - a list answered once per isolate (`parts.isolateCache`): nothing registered;
 * - `tools/call` and `prompts/get` register the one they name (an unknown name is refused by the
 *   SDK as before);
 * - everything else registers everything: `initialize` and `server/discover` (capabilities follow
 *   from the registrations: a resource template's completer adds `completions`), `resources/read`
 *   (matched by URI), `completion/complete`, batches, notifications.
 */
function registrationsFor(body: unknown): Registrations {
  const method = methodOf(body);
  if (method === undefined) return EVERYTHING;
  if (parts.isolateCache.answersList(body)) return NOTHING;
  const { params } = body as { params?: { name?: unknown } };
  const name = typeof params?.name === "string" ? params.name : undefined;
  if (method === "tools/call") return { ...NOTHING, tools: (name && toolsByName.get(name)) || [] };
  if (method === "prompts/get") return { ...NOTHING, prompts: (name && promptsByName.get(name)) || [] };
  return EVERYTHING;
}

function buildServer(request: McpRequest, era: Era, only: Registrations = EVERYTHING): McpServer {
  const server = new McpServer(
    { name: serverInfo.name, title: serverInfo.title, version: serverInfo.version },
    {
      instructions: serverInfo.instructions,
      capabilities,
      cacheHints: serverCacheHints(request.auth, apps.length > 0),
      requestState: { verify: requestStateVerifier(request.env) },
    },
  );
  for (const tool of only.tools) {
    if (isApp(tool) && request.apps) registerApp(server, tool, request, era);
    else registerTool(server, tool, request, era);
  }
  for (const resource of only.resources) registerResource(server, resource, request, era);
  for (const prompt of only.prompts) registerPrompt(server, prompt, request, era);
  registry.extend?.(server);
  return server;
}

function contextFor(request: McpRequest, era: Era, mcp: ServerContext): McpContext {
  return { ...request, era, signal: mcp.mcpReq.signal, mcp };
}

function registerTool(server: McpServer, tool: AnyTool, request: McpRequest, era: Era): void {
  server.registerTool(tool.name, toolConfig(tool, request), handlerFor(tool, request, era));
}

/** What the SDK is told about a tool, app or not. */
function toolConfig(tool: AnyTool, request: McpRequest) {
  return {
    title: tool.title,
    description: tool.description,
    inputSchema: parts.isolateCache.schema(tool.inputSchema),
    outputSchema: tool.outputSchema && parts.isolateCache.schema(tool.outputSchema),
    annotations: tool.annotations,
    scopeChallenge: tool.requiredScope ? stepUp(tool.requiredScope, request) : undefined,
  };
}

function handlerFor(tool: AnyTool, request: McpRequest, era: Era) {
  return (args: Record<string, unknown>, mcp: ServerContext) => tool.handler(args, contextFor(request, era, mcp));
}

/**
 * An app for a client that renders them: the tool with `_meta.ui` naming its view, and the view
 * as a `ui://` resource (text/html;profile=mcp-app) with its CSP and permissions, both through the
 * extension's own helpers. The page is read from the Worker's assets on each read, and only then.
 */
function registerApp(server: McpServer, app: AnyTool & { view: ViewDefinition }, request: McpRequest, era: Era): void {
  const { view } = app;
  const meta = { ui: { resourceUri: view.uri, ...(view.visibility && { visibility: view.visibility }) } };
  registerAppTool(server, app.name, { ...toolConfig(app, request), _meta: meta }, handlerFor(app, request, era));
  const ui = { csp: view.csp, permissions: view.permissions, prefersBorder: view.prefersBorder };
  // The helper hands its config to registerResource as it is; its type just omits cacheHint.
  const config = { description: view.description, _meta: { ui }, cacheHint: viewCacheHint(request.auth) };
  registerAppResource(server, view.title ?? app.name, view.uri, config, async () => ({
    contents: [
      { uri: view.uri, mimeType: RESOURCE_MIME_TYPE, text: await readView(request.env, view.uri), _meta: { ui } },
    ],
  }));
}

/**
 * A tool's `requiredScope`, checked by the SDK before the call is dispatched, in both eras: a token
 * without it gets `403` with `WWW-Authenticate: Bearer error="insufficient_scope", scope="…",
 * resource_metadata="…"`, naming every scope the client should ask for (the baseline, what the
 * token has, and this one), so it can step up in one authorization. With MCP_AUTH=none there is
 * no token and nothing to check.
 */
function stepUp(scope: string, request: McpRequest): ScopeChallengeHandler {
  return ({ authInfo }) => {
    if (!authInfo || authInfo.scopes.includes(scope)) return undefined;
    const baseline = getConfig(request.env).oauth.scopes;
    const scopes = [...new Set([...baseline, ...authInfo.scopes, scope])] as [string, ...string[]];
    return { scopes, errorDescription: `This call needs the ${scope} scope` };
  };
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
    { title: prompt.title, description: prompt.description, argsSchema: parts.isolateCache.schema(prompt.argsSchema) },
    (args: Record<string, unknown>, mcp: ServerContext) => prompt.get(args, contextFor(request, era, mcp)),
  );
}

function flatten(variables: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]));
}
