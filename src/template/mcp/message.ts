/** Reading a parsed JSON-RPC body that nothing has validated yet: every field may be anything. */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The method of a single request or notification; undefined for a batch, a response or garbage. */
export function methodOf(body: unknown): string | undefined {
  return isObject(body) && typeof body.method === "string" ? body.method : undefined;
}

/**
 * The methods a tool, prompt or resource of this server answers: the only requests whose handler
 * can report before its result (logs, progress) or ask the client for input (`inputRequired` is
 * valid on these three only). Lists come from a per-isolate cache; the SDK answers the rest.
 */
export const HANDLER_METHODS: ReadonlySet<string> = new Set(["tools/call", "prompts/get", "resources/read"]);
