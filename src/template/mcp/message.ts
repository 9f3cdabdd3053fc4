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

/** How deep and how long `boundedJson` goes before it gives up. */
export interface JsonBounds {
  /** Nesting levels of objects and arrays (the value itself is level 1). */
  maxDepth: number;
  /** Characters of output. */
  maxLength: number;
}

/**
 * `JSON.stringify(value)` for client-sent values, or undefined when it would nest deeper or run
 * longer than `bounds`: the walk stops there, so its cost and its recursion are bounded by the
 * bounds, never by what the client sent. Key order is the value's own, as with JSON.stringify.
 */
export function boundedJson(value: unknown, bounds: JsonBounds): string | undefined {
  const out: string[] = [];
  let length = 0;
  const emit = (text: string): boolean => {
    length += text.length;
    out.push(text);
    return length <= bounds.maxLength;
  };
  const write = (item: unknown, depth: number): boolean => {
    if (item === null || typeof item !== "object") {
      // Strings, numbers, booleans as JSON.stringify writes them; undefined and functions as null.
      return emit(JSON.stringify(item) ?? "null");
    }
    if (depth >= bounds.maxDepth) return false;
    if (Array.isArray(item)) {
      if (!emit("[")) return false;
      for (let i = 0; i < item.length; i++) {
        if ((i > 0 && !emit(",")) || !write(item[i], depth + 1)) return false;
      }
      return emit("]");
    }
    if (!emit("{")) return false;
    let first = true;
    for (const key of Object.keys(item)) {
      const field = (item as Record<string, unknown>)[key];
      if (field === undefined || typeof field === "function") continue;
      if ((!first && !emit(",")) || !emit(`${JSON.stringify(key)}:`) || !write(field, depth + 1)) return false;
      first = false;
    }
    return emit("}");
  };
  return write(value, 0) ? out.join("") : undefined;
}
