// One KV read and nothing else: what the OAuth provider's token lookup (one KV read per request)
// costs on its own where the bench serves it. Locally, KV is Miniflare's simulator (another
// isolate and a SQLite store in the same workerd); on Cloudflare a read is served by KV, outside
// the Worker. The bench stores a token-sized record under "bench-token" before the load.
export default {
  async fetch(_request, env) {
    const record = await env.KV.get("bench-token", { type: "json" });
    if (!record) return new Response("missing", { status: 500 });
    return new Response('{"jsonrpc":"2.0","id":1,"result":{}}', { headers: { "Content-Type": "application/json" } });
  },
};
