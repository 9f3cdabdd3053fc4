// Reference floor `v2-oauth`: ./v2-mcp.js behind @cloudflare/workers-oauth-provider (./oauth.js).
import { withOAuth } from "./oauth.js";
import { mcp } from "./v2-mcp.js";

export default withOAuth((request) => mcp.fetch(request));
