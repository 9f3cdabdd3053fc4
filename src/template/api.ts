/**
 * The authoring API: everything a file in src/server/ needs from the harness, and the only harness
 * module it imports (scripts/check-imports.ts holds it to that). Declare a capability with a
 * `define*` function, fail with `toolError`, and ask the user with `inputRequired` and its helpers.
 */
export { ResourceNotFoundError } from "@modelcontextprotocol/server";
export { canAskUser } from "./mcp/ask.js";
export {
  type AppDefinition,
  defineApp,
  definePrompt,
  defineResource,
  defineTool,
  type Era,
  type McpContext,
  type PromptDefinition,
  type RateLimitBinding,
  type ResourceDefinition,
  type ToolDefinition,
  type ToolErrorResult,
  toolError,
  type ViewDefinition,
} from "./mcp/define.js";
export {
  inputRequired,
  inputResponse,
  openState,
  RequestStateNotConfigured,
  sealState,
} from "./mcp/request-state.js";
export type { User } from "./types.js";
