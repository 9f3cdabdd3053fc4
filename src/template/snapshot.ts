/**
 * What the build computes once so that no isolate has to: the answers that follow from the files
 * in src/server/ alone. scripts/registry.mjs runs the harness's own code in Node when the Worker is
 * built (wrangler's [build] step, `npm test`) and writes the result to ./snapshot.gen.ts;
 * src/template/mcp/snapshot.ts says how each part is computed.
 *
 * Why at build time: a new isolate's first /mcp answer otherwise builds every tool's Zod schemas
 * into JSON Schema (for tools/list) and the session settings' schema (to know where each setting
 * travels), which is most of what that answer costs beyond loading the SDK, and grows with every
 * tool. Read from here, it costs parsing the JSON. Anything the snapshot does not have (the
 * build could not take it, or a test serves other capabilities) is computed at run time, as the
 * snapshot would have been: test/snapshot.test.ts checks that the two agree.
 */
export interface Snapshot {
  /**
   * The SDK's result for each list method of the generated registry, keyed `"<method> <apps>"`:
   * `apps` is whether the client renders MCP Apps (only then are the views listed).
   */
  lists: Record<string, Record<string, unknown>>;
  /** The per-connection settings of src/server/session.ts. */
  session: {
    /** Each setting: where it travels and the JSON Schema type it is converted to. */
    fields: SessionField[];
    /** What a connection that sets nothing gets: every default. */
    defaults: Record<string, unknown>;
  };
}

export interface SessionField {
  name: string;
  from: { header: string } | { query: string };
  type: unknown;
}
