// Reference floor `v1-bare`: the 1.x SDK alone on /mcp (see ./v1-mcp.js).
import { mcpFetch } from "./v1-mcp.js";

export default {
  fetch(request) {
    return new URL(request.url).pathname === "/mcp" ? mcpFetch(request) : new Response(null, { status: 404 });
  },
};
