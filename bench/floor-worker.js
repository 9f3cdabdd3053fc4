// The do-nothing Worker: the floor the bench compares against. It answers every request with the
// same small JSON-RPC result without reading the request, so its cost is the runtime's own
// (HTTP parsing, entering the isolate, one Response). The bench serves it exactly like the real
// Worker: same workerd, same compatibility settings, its own loopback socket.
const BODY = '{"jsonrpc":"2.0","id":1,"result":{}}';

export default {
  fetch() {
    return new Response(BODY, { headers: { "Content-Type": "application/json" } });
  },
};
