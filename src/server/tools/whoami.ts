import * as z from "zod";
import { defineTool } from "../../template/api.js";

/**
 * Reads the caller's identity, which the OAuth grant carries into every request. Who you are is
 * personal data, so a token needs the `profile` scope to call it (a 403 `insufficient_scope`
 * otherwise, and the client asks for it).
 */
export default defineTool({
  name: "whoami",
  title: "Who am I",
  description: "Tell who the server thinks is calling: the signed-in user and the token's scopes.",
  inputSchema: z.object({}),
  outputSchema: z.object({
    authenticated: z.boolean(),
    id: z.string().optional(),
    provider: z.string().optional(),
    login: z.string().optional(),
    email: z.string().optional(),
    name: z.string().optional(),
    scopes: z.array(z.string()),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  requiredScope: "profile",
  handler(_args, { user, scopes }) {
    if (!user) {
      return {
        content: [{ type: "text", text: "Nobody: this server runs without authentication (MCP_AUTH=none)." }],
        structuredContent: { authenticated: false, scopes: [...scopes] },
      };
    }
    const label = user.login ?? user.email ?? user.name ?? user.id;
    return {
      content: [{ type: "text", text: `You are ${label} (signed in with ${user.provider}).` }],
      structuredContent: { authenticated: true, ...user, scopes: [...scopes] },
    };
  },
});
