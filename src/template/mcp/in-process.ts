import { InMemoryTransport, type JSONRPCMessage, type McpServer } from "@modelcontextprotocol/server";

/** Sends one request to a server over an in-memory transport and returns its result. */
export async function askOnce(server: McpServer, method: string): Promise<Record<string, unknown>> {
  const [result] = await askInProcess(server, [{ method }]);
  return result!;
}

/**
 * Sends requests, in order, to a server over an in-memory transport (the 2025 era, the only one
 * the SDK serves in process) and returns their results. The server is closed afterwards.
 */
export async function askInProcess(
  server: McpServer,
  requests: readonly { method: string; params?: Record<string, unknown> }[],
): Promise<Record<string, unknown>[]> {
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  client.onmessage = (message: JSONRPCMessage) => {
    if (!("id" in message) || typeof message.id !== "number") return;
    const waiting = pending.get(message.id);
    if ("result" in message) waiting?.resolve(message.result as Record<string, unknown>);
    else if ("error" in message)
      waiting?.reject(new Error(`${requests[message.id]?.method} failed: ${message.error.message}`));
  };
  await server.connect(serverSide);
  try {
    const results: Record<string, unknown>[] = [];
    for (const [id, request] of requests.entries()) {
      const answer = new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
      await client.send({ jsonrpc: "2.0", id, ...request });
      results.push(await answer);
    }
    return results;
  } finally {
    await server.close();
  }
}
