/**
 * A module imported on first use and kept for the isolate's life. Code only some requests need
 * (the MCP SDK, the HTML pages, the session reader) stays out of startup, and later requests get
 * the loaded module without going back through `import()` (docs/performance.md).
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined; // a failed load is tried again by the next request
      throw error;
    });
    return loaded;
  };
}
