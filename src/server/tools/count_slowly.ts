import * as z from "zod";
import { defineTool } from "../../template/api.js";

/**
 * A long-running tool, as an example of two things the protocol gives it: progress and
 * cancellation. When the call carries a `progressToken` (the client wants progress), each step
 * sends `notifications/progress`, and the answer becomes an event stream instead of one JSON body.
 * When the client closes that stream (it gave up, or the user pressed stop), `signal` aborts and
 * the work stops: over HTTP, closing the stream is how a call is cancelled.
 */
export default defineTool({
  name: "count_slowly",
  title: "Count slowly",
  description:
    "Count from 1 to `to`, one step every `stepMs` milliseconds, reporting progress as it goes. " +
    "An example of a long-running tool that reports progress and stops when the client cancels.",
  inputSchema: z.object({
    to: z.number().int().min(1).max(60).default(5).describe("How many steps to count, 1 to 60"),
    stepMs: z.number().int().min(0).max(2000).default(200).describe("Milliseconds each step takes, 0 to 2000"),
  }),
  outputSchema: z.object({
    counted: z.number().int().describe("Steps done"),
    to: z.number().int().describe("Steps asked for"),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler({ to, stepMs }, { signal, mcp }) {
    const progressToken = mcp.mcpReq._meta?.progressToken;
    for (let step = 1; step <= to; step++) {
      await sleep(stepMs, signal);
      if (signal.aborted) {
        // Nobody will read an answer now; the log line is for `wrangler tail`.
        console.log(`count_slowly: cancelled by the client after ${step - 1} of ${to} steps`);
        return { content: [{ type: "text", text: "Cancelled." }], structuredContent: { counted: step - 1, to } };
      }
      if (progressToken !== undefined) {
        await mcp.mcpReq.notify({
          method: "notifications/progress",
          params: { progressToken, progress: step, total: to, message: `Counted ${step} of ${to}` },
        });
      }
    }
    return { content: [{ type: "text", text: `Counted to ${to}.` }], structuredContent: { counted: to, to } };
  },
});

/** Waits `ms` milliseconds, or less if `signal` aborts first (the real work would stop there too). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
