/**
 * The MCP specification's shapes, as the SDK declares them: the one place the preflight names the
 * SDK package, so a move to another SDK line changes this file alone.
 */
export {
  ImplementationSchema,
  InitializeResultSchema,
  LATEST_PROTOCOL_VERSION,
  ListToolsResultSchema,
  PromptSchema,
  ResourceSchema,
  ResourceTemplateSchema,
  ToolSchema,
} from "@modelcontextprotocol/sdk/types.js";
