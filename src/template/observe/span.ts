import type { RequestLog } from "./request-log.js";

/**
 * Workers traces (wrangler.toml [observability.traces]) record a span per request and per binding
 * call or fetch by themselves. What they cannot know is which MCP method and tool a POST was: for
 * a traced request, the MCP handling runs in a custom span of its own (`ctx.tracing.enterSpan`),
 * named and given attributes as OpenTelemetry's MCP conventions say (`tools/call github_repo`,
 * `mcp.method.name`, `gen_ai.tool.name`, `error.type`…), with the tool's own fetches nested under it.
 * The outcome is set when the answer is ready; an answer that streams (progress, questions)
 * finishes after the span, so its outcome is in the log line only. A request that is not traced
 * (sampled out, or no tracing where it runs: wrangler dev, the tests) pays one check.
 */
export function inMcpSpan(ctx: ExecutionContext, log: RequestLog, serve: () => Promise<Response>): Promise<Response> {
  const tracing = (ctx as { tracing?: Tracing }).tracing;
  if (!tracing?.getActiveSpan()?.isTraced) return serve();
  const method = log.method ?? "(none)";
  const name = log.name;
  return tracing.enterSpan(name ? `${method} ${name}` : method, async (span) => {
    span.setAttributes({
      "mcp.method.name": method,
      ...(method === "tools/call" && name && { "gen_ai.tool.name": name, "gen_ai.operation.name": "execute_tool" }),
      ...(method === "prompts/get" && name && { "gen_ai.prompt.name": name }),
      ...(method === "resources/read" && name && { "mcp.resource.name": name }),
      ...(log.client && { "mcp.client.id": log.client }),
    });
    const response = await serve();
    const outcome = log.outcome;
    span.setAttributes({
      "http.response.status_code": response.status,
      ...(log.era && { "mcp.protocol.era": log.era }),
      ...(outcome && { "mcp.outcome": outcome.outcome }),
      ...(outcome?.code !== undefined && {
        "rpc.response.status_code": String(outcome.code),
        "error.type": String(outcome.code),
      }),
      ...(outcome?.outcome === "tool_error" && { "error.type": "tool_error" }),
    });
    return response;
  });
}
