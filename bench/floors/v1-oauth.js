// Reference floor `v1-oauth`: ./v1-mcp.js behind @cloudflare/workers-oauth-provider (./oauth.js).
import { withOAuth } from "./oauth.js";
import { mcpFetch } from "./v1-mcp.js";

export default withOAuth(mcpFetch);
