// The Worker the bench measures: the template's own (src/index.ts, with whatever src/mcp/ holds)
// plus one tool of the bench's own, so the tools/call it times exists whatever a fork deleted or
// added. The swap waits for the first request, as the template loads the MCP server then too: the
// startup the bench profiles stays the template's.
import * as z from "zod";
import template from "../src/index.js";
import { defineTool } from "../src/mcp/define.js";

export { RateLimiter, RefreshGuard } from "../src/index.js";

/** What the bench calls: validated input, structured output checked against its schema. */
const benchAdd = defineTool({
  name: "bench_add",
  description: "Adds two numbers (the bench's own tool).",
  inputSchema: z.object({ a: z.number().describe("First number"), b: z.number().describe("Second number") }),
  outputSchema: z.object({ sum: z.number() }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler: ({ a, b }) => ({
    content: [{ type: "text", text: `${a} + ${b} = ${a + b}` }],
    structuredContent: { sum: a + b },
  }),
});

let swapped: Promise<void> | undefined;

export default {
  async fetch(request, env, ctx) {
    swapped ??= Promise.all([import("../src/mcp/server.js"), import("../src/mcp/registry.gen.js")]).then(
      ([server, generated]) => server.useRegistry({ ...generated, tools: [...generated.tools, benchAdd] }),
    );
    await swapped;
    return template.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
