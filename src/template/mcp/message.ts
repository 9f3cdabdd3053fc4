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
 * longer than `bounds`. A walk that only counts goes first and stops at the bounds, so nothing
 * the client sent makes it recurse or run past them; the runtime's own serializer then writes
 * what fits (much faster than writing it here). Key order is the value's own.
 */
export function boundedJson(value: unknown, { maxDepth, maxLength }: JsonBounds): string | undefined {
  // Each value takes at least this many characters of the output: the walk stops once the
  // output must be longer than maxLength, so it visits at most maxLength values.
  let left = maxLength;
  const fits = (item: unknown, depth: number): boolean => {
    if (item === null || typeof item !== "object") {
      left -= typeof item === "string" ? item.length + 2 : 1;
      return left >= 0;
    }
    if (depth >= maxDepth) return false;
    left -= 2;
    if (Array.isArray(item)) {
      for (const element of item) if (!fits(element, depth + 1)) return false;
    } else {
      for (const key of Object.keys(item)) {
        left -= key.length + 3;
        if (!fits((item as Record<string, unknown>)[key], depth + 1)) return false;
      }
    }
    return left >= 0;
  };
  if (!fits(value, 0)) return undefined;
  const json = JSON.stringify(value);
  return json !== undefined && json.length <= maxLength ? json : undefined;
}
