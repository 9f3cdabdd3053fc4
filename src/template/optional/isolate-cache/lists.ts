import type { McpServer } from "@modelcontextprotocol/server";
import type { ListSource } from "../../mcp/seams.js";

/** Per list method, two answers: for clients that render MCP Apps, and for the others. */
const lists = new Map<string, Promise<Record<string, unknown>>>();
/** What the kept lists were computed from: when it changes (tests swap registries), they go. */
let listsFor: unknown;

/**
 * Answers every list request of `server` with the SDK's own answer, computed once per isolate.
 * Building tools/list turns every tool's zod schemas into JSON Schema (prompts/list does the same
 * for prompt arguments), which was most of that request's CPU; here the SDK's own handler runs
 * once, on a server of its own reached in process (`compute`), and its result is served from then
 * on. Cache hints and `resultType` are added per request by the SDK on the way out, on a copy. A
 * failure is not kept: the next request retries.
 */
export function installLists(server: McpServer, { methods, apps, source, compute }: ListSource): void {
  if (source !== listsFor) {
    lists.clear();
    listsFor = source;
  }
  for (const method of methods) {
    // The SDK's own earlier answer, so its type is the method's result type.
    server.server.setRequestHandler(method as "tools/list", (() => cachedList(method, apps, compute)) as never);
  }
}

function cachedList(method: string, apps: boolean, compute: ListSource["compute"]): Promise<Record<string, unknown>> {
  const key = `${method} ${apps}`;
  let list = lists.get(key);
  if (!list) {
    // String keys only: the SDK's answer arrived in process, not serialized, and still carries the
    // cache hint it attached for the first request's auth mode (on a symbol key). Each request's
    // own server attaches the right one on the way out.
    list = compute(method).then((result) => Object.fromEntries(Object.entries(result)));
    lists.set(key, list);
    list.catch(() => lists.delete(key));
  }
  return list;
}
