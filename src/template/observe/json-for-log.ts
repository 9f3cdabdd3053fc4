/**
 * JSON of a client-chosen value, cut to `max` characters, for a log line (LOG_ARGUMENTS). Walks
 * the value itself rather than calling `JSON.stringify`, so that nesting deeper than `MAX_DEPTH`
 * (which would overflow the stack there) is cut short, and a large value costs no more than the
 * characters kept: the walk stops as soon as there are enough.
 */
const MAX_DEPTH = 8;
/** Past this many entries of one object or array, the rest is left out (`"…"`). */
const MAX_ENTRIES = 64;

export function jsonForLog(value: unknown, max: number): string {
  let text = "";
  const full = () => text.length > max;
  const walk = (v: unknown, depth: number): void => {
    if (v === null || typeof v === "number" || typeof v === "boolean") text += String(v);
    else if (typeof v === "string") text += JSON.stringify(v.length > max ? v.slice(0, max) : v);
    else if (typeof v !== "object") text += "null";
    else if (depth >= MAX_DEPTH) text += '"…"';
    else if (Array.isArray(v)) {
      text += "[";
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) text += ",";
        if (i === MAX_ENTRIES) {
          text += '"…"';
          break;
        }
        walk(v[i], depth + 1);
      }
      text += "]";
    } else {
      text += "{";
      let i = 0;
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        if (full()) break;
        if (i > 0) text += ",";
        if (i++ === MAX_ENTRIES) {
          text += '"…":"…"';
          break;
        }
        text += `${JSON.stringify(key.length > max ? key.slice(0, max) : key)}:`;
        walk((v as Record<string, unknown>)[key], depth + 1);
      }
      text += "}";
    }
  };
  walk(value, 0);
  return full() ? `${text.slice(0, max)}…` : text;
}
