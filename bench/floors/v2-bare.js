// Reference floor `v2-bare`: the 2.x SDK alone on /mcp (see ./v2-mcp.js).
import { mcp } from "./v2-mcp.js";

export default {
  fetch(request) {
    return new URL(request.url).pathname === "/mcp" ? mcp.fetch(request) : new Response(null, { status: 404 });
  },
};
