import type { ClientCapabilities } from "@modelcontextprotocol/server";
import type { McpContext } from "./define.js";

/** Where a 2026-07-28 request declares what its client can do (the SDK's CLIENT_CAPABILITIES_META_KEY). */
const CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";

/**
 * Whether a tool can ask the user a question (a form) in this call: the client declared form
 * elicitation (`{}` means form, for clients from before URL mode existed), on this 2026-07-28
 * request, or at the 2025-era `initialize` of a session whose call can carry the question
 * (`ctx.askable`). When it cannot, a tool says in a tool error how to go on instead.
 */
export function canAskUser(ctx: McpContext): boolean {
  const envelope = ctx.mcp.mcpReq.envelope as { [CLIENT_CAPABILITIES]?: ClientCapabilities } | undefined;
  const elicitation = (ctx.era === "modern" ? envelope?.[CLIENT_CAPABILITIES] : ctx.askable)?.elicitation as
    | ClientCapabilities["elicitation"]
    | undefined;
  return elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
}
