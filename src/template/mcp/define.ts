import type { McpUiResourceCsp, McpUiResourcePermissions } from "@modelcontextprotocol/ext-apps";
import type {
  CallToolResult,
  GetPromptResult,
  InputRequiredResult,
  ReadResourceResult,
  ServerContext,
  ToolAnnotations,
} from "@modelcontextprotocol/server";
import type * as z from "zod";
import type { Session } from "../session/schema.js";
import type { User } from "../types.js";

/**
 * The Workers Rate Limiting bindings of wrangler.toml (`[[ratelimits]]`, typed by `npm run types`)
 * a tool can name as its `rateLimit`: all but MCP_RATE_LIMIT, which every request counts against.
 */
export type RateLimitBinding = Exclude<
  { [K in keyof Env]: Env[K] extends RateLimit ? K : never }[keyof Env],
  "MCP_RATE_LIMIT"
>;

/** Which protocol era the request came in: `modern` is 2026-07-28, `legacy` the 2025 revisions. */
export type Era = "modern" | "legacy";

/** What every tool, resource and prompt handler receives besides its arguments. */
export interface McpContext {
  env: Env;
  /** The authenticated user, or undefined when MCP_AUTH is `none`. */
  user: User | undefined;
  /** Scopes granted to the caller's token (empty when MCP_AUTH is `none`). */
  scopes: readonly string[];
  /** This connection's settings (src/server/session.ts), validated, defaults filled in. */
  session: Session;
  /**
   * 2025 era: what this call can ask its client for in the middle of the call, by returning
   * `inputRequired(...)` (src/template/optional/questions/): the capabilities the client declared at
   * `initialize`, when this request can carry questions. Undefined when it cannot (the client
   * declared none, or takes no event stream): then `inputRequired(...)` gets a tool error.
   * (2026-07-28 clients declare theirs on every request, in `mcp.mcpReq.envelope`.)
   */
  askable?: { elicitation?: object; sampling?: object; roots?: object };
  /** Aborted when the client goes away (it closed the stream, or the request was cancelled). */
  signal: AbortSignal;
  /** The protocol era of this request. Most handlers never need it: the SDK speaks both. */
  era: Era;
  /**
   * The SDK's own context for this call: progress (`mcpReq.notify`), multi round-trip input
   * (`mcpReq.inputResponses`, `mcpReq.requestState()`), the request's `_meta` envelope.
   */
  mcp: ServerContext;
}

/** A whole zod object: what tools and prompts declare their arguments (and results) with. */
type Schema = z.ZodObject;

export interface ToolDefinition<In extends Schema = Schema, Out extends Schema | undefined = Schema | undefined> {
  /** The name clients call (snake_case, unique). */
  name: string;
  title?: string;
  /** What the tool does and when to use it: models read this to decide. */
  description: string;
  /** Parameters, as `z.object({...})`; `.describe()` each one, models read those too. */
  inputSchema: In;
  /** When set (`z.object({...})`), the handler must return `structuredContent` matching it. */
  outputSchema?: Out;
  annotations?: ToolAnnotations;
  /** OAuth scope a token must carry to call this tool (ignored when MCP_AUTH is `none`). */
  requiredScope?: string;
  /**
   * A limit of its own, stricter than the one every request to /mcp counts against: the name of a
   * Workers Rate Limiting binding in wrangler.toml (`[[ratelimits]]`, where its limit and period
   * are set), e.g. `"TOOL_RATE_LIMIT"`. Each caller's calls to this tool are counted apart from
   * their calls to other tools on the same binding. Over it, the call gets HTTP 429 with
   * `Retry-After` (docs/production.md, "Per-caller limits"). For a tool that spends something
   * outside: a paid API, another service's rate limit.
   */
  rateLimit?: RateLimitBinding;
  handler: (args: z.output<In>, ctx: McpContext) => Promise<ToolResult<Out>> | ToolResult<Out>;
}

/** A failed call the model should see: `isError` with a message, no structured output. */
export type ToolErrorResult = CallToolResult & { isError: true };

/**
 * What a tool returns: a result (with `structuredContent` when it has an output schema), a tool
 * error, or — 2026-07-28 multi round-trip — a request for the user's input (`inputRequired(...)`).
 */
type ToolResult<Out extends Schema | undefined> =
  | (Out extends Schema ? (CallToolResult & { structuredContent: z.output<Out> }) | ToolErrorResult : CallToolResult)
  | InputRequiredResult;

/** Any tool, whatever its schemas: what the registry holds. */
// biome-ignore lint/suspicious/noExplicitAny: the registry is heterogeneous by design
export type AnyTool = ToolDefinition<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type AnyPrompt = PromptDefinition<any>;

/** Declares a tool; a file in src/server/tools/ default-exports one. */
export function defineTool<In extends Schema, Out extends Schema | undefined = undefined>(
  tool: ToolDefinition<In, Out>,
): ToolDefinition<In, Out> {
  return tool;
}

/**
 * An MCP App's view (the io.modelcontextprotocol/ui extension): the HTML a host shows for the
 * tool's results, served as the `ui://` resource `uri` with MIME type text/html;profile=mcp-app.
 * Offered only to clients that declare the extension (src/template/mcp/apps-negotiation.ts).
 */
export interface ViewDefinition {
  /**
   * `ui://<folder>/view.html`: the page scripts/views.mjs builds from src/server/apps/<folder>/
   * (index.html and the script it names). The tool's `_meta.ui.resourceUri` and the resource's URI.
   */
  uri: `ui://${string}/view.html`;
  title?: string;
  description?: string;
  /** Origins the view may reach; hosts allow none that is not listed. Declare `[]` for "none". */
  csp?: McpUiResourceCsp;
  /** Device access the view asks of the host (camera, microphone, geolocation, clipboard). */
  permissions?: McpUiResourcePermissions;
  /** Whether the host should draw a border and background around the view. */
  prefersBorder?: boolean;
  /**
   * Who may call the tool: the model, the view (calls back through the host), or both (default).
   * `["app"]` hides the tool from the model: a helper only the view uses.
   */
  visibility?: ("model" | "app")[];
}

/** A tool with a view: every client gets the tool; clients that render MCP Apps get the view too. */
export interface AppDefinition<In extends Schema = Schema, Out extends Schema | undefined = Schema | undefined>
  extends ToolDefinition<In, Out> {
  view: ViewDefinition;
}

/** Declares an app; a file in src/server/apps/ default-exports one (its view lives in ./<name>/). */
export function defineApp<In extends Schema, Out extends Schema | undefined = undefined>(
  app: AppDefinition<In, Out>,
): AppDefinition<In, Out> {
  return app;
}

/** Whether a registry entry is an app (a tool with a view). */
export function isApp(tool: AnyTool): tool is AnyTool & { view: ViewDefinition } {
  return "view" in tool && tool.view !== undefined;
}

export interface ResourceDefinition {
  name: string;
  /** A fixed URI, or a URI template (RFC 6570) with `{variables}` for a resource template. */
  uri: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** For templates: suggestions for a variable's value (`completion/complete`). */
  complete?: Record<string, (value: string) => string[] | Promise<string[]>>;
  /**
   * How long clients may cache what `read` returns (2026-07-28 `ttlMs`), and whether the answer
   * depends on who asks (`perCaller`: always `private`). See src/template/mcp/cache.ts and docs/caching.md.
   */
  cache?: { ttlMs: number; perCaller?: boolean };
  read: (
    uri: URL,
    variables: Record<string, string>,
    ctx: McpContext,
  ) => Promise<ReadResourceResult | InputRequiredResult> | ReadResourceResult | InputRequiredResult;
}

/** Declares a resource or resource template; a file in src/server/resources/ default-exports one. */
export function defineResource(resource: ResourceDefinition): ResourceDefinition {
  return resource;
}

export interface PromptDefinition<Args extends Schema = Schema> {
  name: string;
  title?: string;
  description?: string;
  /** `z.object({...})` of strings: prompt arguments are strings on the wire (`.optional()` allowed). */
  argsSchema: Args;
  get: (
    args: z.output<Args>,
    ctx: McpContext,
  ) => Promise<GetPromptResult | InputRequiredResult> | GetPromptResult | InputRequiredResult;
}

/** Declares a prompt; a file in src/server/prompts/ default-exports one. */
export function definePrompt<Args extends Schema>(prompt: PromptDefinition<Args>): PromptDefinition<Args> {
  return prompt;
}

/** A tool error the model can read and act on (not a protocol error). */
export function toolError(message: string): ToolErrorResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}
