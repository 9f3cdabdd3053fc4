/**
 * Remembers what an async function answered, per key, for the isolate's life: a module imported
 * on first use, a page's hash, a rendered card, a discovery document. Code and work only some
 * requests need stay out of startup, and later requests get the answer without doing it again
 * (docs/performance.md).
 *
 * - Concurrent callers share one call: the promise is kept, not the value.
 * - A failure is forgotten, so the next call tries again (a network blip is not kept forever).
 * - `key` picks what tells calls apart (default: the first argument; none means one answer);
 *   `max` bounds the entries: when full, all are dropped, so a stream of odd keys (Host headers,
 *   say) cannot grow it and the common ones are back after one call each.
 */
export function memo<Args extends unknown[], T>(
  fn: (...args: Args) => Promise<T>,
  { key = (...args: Args) => args[0], max = Number.POSITIVE_INFINITY }: MemoOptions<Args> = {},
): (...args: Args) => Promise<T> {
  const kept = new Map<unknown, Promise<T>>();
  return (...args) => {
    const k = key(...args);
    let hit = kept.get(k);
    if (!hit) {
      if (kept.size >= max) kept.clear();
      hit = fn(...args);
      const promise = hit;
      kept.set(k, promise);
      promise.catch(() => {
        if (kept.get(k) === promise) kept.delete(k);
      });
    }
    return hit;
  };
}

export interface MemoOptions<Args extends unknown[]> {
  /** What tells calls apart (compared with `Map` semantics); default: the first argument. */
  key?: (...args: Args) => unknown;
  /** At most this many answers are kept; default: no bound. */
  max?: number;
}
