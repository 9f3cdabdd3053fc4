import { methodOf } from "../../mcp/message.js";
import type { IsolateCache } from "../../mcp/seams.js";
import { installLists } from "./lists.js";
import { keep, replay, replayable } from "./replay.js";
import { withCachedJsonSchema } from "./schemas.js";

/**
 * Per-isolate answers: what is the same for every request is computed once per isolate instead
 * of once per request (docs/optional-parts.md). The endpoint reaches this folder only through the
 * `IsolateCache` seam (src/template/mcp/seams.ts); delete the folder and every answer is the
 * SDK's, computed per request, as correct and slower.
 */

/**
 * The one switch. The registry is fixed when the Worker is built, and what it lists does not
 * depend on who asks. So each list is computed once per isolate (./lists.ts), and the SDK's
 * answer to a list request is replayed to the same request asked again (./replay.ts). A fork
 * whose lists depend on the caller (tools hidden by role or scope, say) sets this to false (or
 * deletes this folder), and makes its cache hints private (src/template/mcp/cache.ts,
 * docs/caching.md). The JSON Schema cache stays: a schema never depends on who asks.
 */
export const LISTS_ARE_THE_SAME_FOR_EVERY_CALLER: boolean = true;

const LISTS: ReadonlySet<string> = new Set([
  "tools/list",
  "resources/list",
  "resources/templates/list",
  "prompts/list",
]);

/**
 * Whether the SDK's answer to `method` is the same for everyone who sends the same request, so it
 * can be replayed: `server/discover` (what the server offers), and the lists unless the switch
 * is off.
 */
function sameForEveryCaller(method: string): boolean {
  return method === "server/discover" || (LISTS_ARE_THE_SAME_FOR_EVERY_CALLER && LISTS.has(method));
}

const isolateCache: IsolateCache = {
  async serve(request, serve) {
    const again = replayable(request, sameForEveryCaller);
    const replayed = again && replay(again, request.source);
    if (replayed) return replayed;
    const response = await serve();
    return again ? keep(again, request.source, response) : response;
  },
  answersList(body) {
    const method = methodOf(body);
    return LISTS_ARE_THE_SAME_FOR_EVERY_CALLER && method !== undefined && LISTS.has(method);
  },
  installLists(server, lists) {
    if (LISTS_ARE_THE_SAME_FOR_EVERY_CALLER) installLists(server, lists);
  },
  schema: withCachedJsonSchema,
};

export default isolateCache;
