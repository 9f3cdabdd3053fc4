import type {
  CallToolResult,
  GetPromptResult,
  ReadResourceResult,
  ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import type * as z from "zod";
import type { User } from "../auth/user.js";
import type { Session } from "../session/schema.js";

/** What every tool, resource and prompt handler receives besides its arguments. */
export interface McpContext {
  env: Env;
  /** The authenticated user, or undefined when MCP_AUTH is `none`. */
  user: User | undefined;
  /** Scopes granted to the caller's token (empty when MCP_AUTH is `none`). */
  scopes: readonly string[];
  /** This connection's settings (src/session/schema.ts), validated, defaults filled in. */
  session: Session;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

type Shape = z.ZodRawShape;
type Infer<S extends Shape> = z.infer<z.ZodObject<S>>;

export interface ToolDefinition<In extends Shape = Shape, Out extends Shape | undefined = Shape | undefined> {
  /** The name clients call (snake_case, unique). */
  name: string;
  title?: string;
  /** What the tool does and when to use it: models read this to decide. */
  description: string;
  /** Parameters; `.describe()` each one, models read those too. */
  inputSchema: In;
  /** When set, the handler must return `structuredContent` matching it. */
  outputSchema?: Out;
  annotations?: ToolAnnotations;
  /** OAuth scope a token must carry to call this tool (ignored when MCP_AUTH is `none`). */
  requiredScope?: string;
  handler: (args: Infer<In>, ctx: McpContext) => Promise<ToolResult<Out>> | ToolResult<Out>;
}

/** A failed call the model should see: `isError` with a message, no structured output. */
export type ToolErrorResult = CallToolResult & { isError: true };

type ToolResult<Out extends Shape | undefined> = Out extends Shape
  ? (CallToolResult & { structuredContent: Infer<Out> }) | ToolErrorResult
  : CallToolResult;

/** Any tool, whatever its schemas: what the registry holds. */
// biome-ignore lint/suspicious/noExplicitAny: the registry is heterogeneous by design
export type AnyTool = ToolDefinition<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type AnyPrompt = PromptDefinition<any>;

/** Declares a tool; a file in src/mcp/tools/ default-exports one. */
export function defineTool<In extends Shape, Out extends Shape | undefined = undefined>(
  tool: ToolDefinition<In, Out>,
): ToolDefinition<In, Out> {
  return tool;
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
  read: (
    uri: URL,
    variables: Record<string, string>,
    ctx: McpContext,
  ) => Promise<ReadResourceResult> | ReadResourceResult;
}

/** Declares a resource or resource template; a file in src/mcp/resources/ default-exports one. */
export function defineResource(resource: ResourceDefinition): ResourceDefinition {
  return resource;
}

export interface PromptDefinition<Args extends Shape = Shape> {
  name: string;
  title?: string;
  description?: string;
  /** Prompt arguments are strings on the wire: use z.string() (optionally .optional()). */
  argsSchema: Args;
  get: (args: Infer<Args>, ctx: McpContext) => Promise<GetPromptResult> | GetPromptResult;
}

/** Declares a prompt; a file in src/mcp/prompts/ default-exports one. */
export function definePrompt<Args extends Shape>(prompt: PromptDefinition<Args>): PromptDefinition<Args> {
  return prompt;
}

/** A tool error the model can read and act on (not a protocol error). */
export function toolError(message: string): ToolErrorResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}
