import { sessionSchema } from "../../server/session.js";
import { sessionFields } from "../session/read.js";
import type { Snapshot } from "../snapshot.js";
import { computeList, LIST_METHODS, type McpRequest } from "./server.js";

/**
 * Takes the snapshot of the generated registry and the session settings (src/template/snapshot.ts):
 * what the Worker would compute on its first requests, computed by the same code. scripts/registry.mjs
 * runs this in Node when the Worker is built and writes the result to src/template/snapshot.gen.ts.
 */
export async function takeSnapshot(): Promise<Snapshot> {
  const defaults = sessionSchema.parse({}) as McpRequest["session"];
  const lists: Snapshot["lists"] = {};
  for (const apps of [false, true]) {
    // Who asks changes nothing in a list (the lists are the same for every caller): only whether
    // the client renders MCP Apps does.
    const request: McpRequest = { env: {} as Env, auth: "none", user: undefined, scopes: [], session: defaults, apps };
    for (const method of LIST_METHODS) lists[`${method} ${apps}`] = await computeList(method, request);
  }
  // As JSON: what the Worker reads back, and what a client is sent.
  return JSON.parse(JSON.stringify({ lists, session: { fields: sessionFields(sessionSchema), defaults } }));
}
