// A hand-rolled tools/list: the least any MCP server can do for it (read the body, parse the
// JSON-RPC request, send a precomputed answer with its id), without the SDK, Hono or any check.
// It is not a way to build a server; the bench serves it next to the real Worker to show how
// close to the do-nothing floor an MCP answer can get at all on this machine. RESULT (a text
// binding) is the real Worker's tools/list result, so both send the same bytes.
export default {
  async fetch(request, env) {
    const message = JSON.parse(await request.text());
    if (message.method !== "tools/list") return new Response(null, { status: 400 });
    return new Response(`{"result":${env.RESULT},"jsonrpc":"2.0","id":${JSON.stringify(message.id)}}`, {
      headers: { "Content-Type": "application/json" },
    });
  },
};
