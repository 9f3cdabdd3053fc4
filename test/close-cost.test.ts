import { InMemoryTransport, McpServer, SdkError, SdkErrorCode } from "@modelcontextprotocol/server";
import { describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { closeWithoutStackTrace } from "../src/mcp/close-cost.js";
import { serving } from "./fixtures/harness.js";
import { OPEN } from "./helpers/http.js";
import { envelope } from "./helpers/modern.js";
import { BASE, fetchWorker } from "./helpers/worker.js";

// src/mcp/close-cost.ts hooks into the SDK's close (`Protocol._onclose`): these fail if the SDK
// renames it, builds its close error elsewhere, or calls its abort listeners before `onclose`.

const limitOf = () => (Error as ErrorConstructor & { stackTraceLimit: number }).stackTraceLimit;
const hasFrames = (error: unknown) => /\n\s+at /.test(String((error as Error).stack));

interface Observed {
  reason: unknown;
  limitInListener: number;
  errorInListener: Error;
}

/** A call in flight when its server closes: what the handler's abort listener sees. */
async function closeDuringCall(hook: boolean): Promise<Observed> {
  const server = new McpServer({ name: "t", version: "1" });
  const started = Promise.withResolvers<void>();
  const observed = Promise.withResolvers<Observed>();
  server.registerTool("wait", { inputSchema: z.object({}) }, (_args, ctx) => {
    ctx.mcpReq.signal.addEventListener("abort", () =>
      observed.resolve({
        reason: ctx.mcpReq.signal.reason,
        limitInListener: limitOf(),
        errorInListener: new Error("made in the listener"),
      }),
    );
    started.resolve();
    return new Promise(() => {});
  });
  if (hook) closeWithoutStackTrace(server);
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "c", version: "1" } },
  });
  await client.send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "wait", arguments: {} } });
  await started.promise;
  await server.close();
  return observed.promise;
}

describe("closeWithoutStackTrace", () => {
  it("the SDK's close error, as the handlers see it, has no stack frames; without the hook it has", async () => {
    const before = limitOf();
    const hooked = await closeDuringCall(true);
    expect(SdkError.isInstance(hooked.reason)).toBe(true);
    expect((hooked.reason as SdkError).code).toBe(SdkErrorCode.ConnectionClosed);
    expect(hasFrames(hooked.reason)).toBe(false);
    expect(limitOf()).toBe(before);

    const plain = await closeDuringCall(false);
    expect(hasFrames(plain.reason)).toBe(true);
  });

  it("the handlers' abort listeners run with the usual stack trace limit", async () => {
    const before = limitOf();
    expect(before).toBeGreaterThan(0);
    const { limitInListener, errorInListener } = await closeDuringCall(true);
    expect(limitInListener).toBe(before);
    expect(hasFrames(errorInListener)).toBe(true);
  });
});

describe("the Worker's per-request servers close without a stack trace", () => {
  serving();

  it("2026-07-28: a client that goes away aborts the tool with a close error without frames", async () => {
    let upstream: AbortSignal | undefined;
    const started = Promise.withResolvers<void>();
    vi.spyOn(globalThis, "fetch").mockImplementation((_input, init) => {
      upstream = init?.signal ?? undefined;
      started.resolve();
      return new Promise((_, reject) => upstream!.addEventListener("abort", () => reject(upstream!.reason)));
    });
    const client = new AbortController();
    const pending = fetchWorker(
      `${BASE}/mcp`,
      {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          "MCP-Protocol-Version": "2026-07-28",
          "Mcp-Method": "tools/call",
          "Mcp-Name": "relay",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "relay", arguments: {}, _meta: envelope() },
        }),
        signal: client.signal,
      },
      OPEN,
    );
    await started.promise;
    const before = limitOf();
    client.abort();
    await vi.waitFor(() => expect(upstream?.aborted).toBe(true));
    expect(SdkError.isInstance(upstream?.reason)).toBe(true);
    expect(hasFrames(upstream?.reason)).toBe(false);
    expect(limitOf()).toBe(before);
    expect((await pending).status).toBe(499);
    vi.restoreAllMocks();
  });
});
