import type { Progress } from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_KINDS } from "../../../test/helpers/clients.js";
import { legacyClient, modernClient } from "../../../test/helpers/connect.js";
import { post, sseMessages } from "../../../test/helpers/http.js";
import { ORIGIN, signIn, withPassphrase } from "../../../test/helpers/oauth.js";

// src/server/tools/count_slowly.ts: progress over SSE, and cancellation by closing the stream.

const call = (args: { to: number; stepMs: number }, progressToken?: string) => ({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "count_slowly", arguments: args, ...(progressToken && { _meta: { progressToken } }) },
});
const LEGACY = { "MCP-Protocol-Version": "2025-11-25" };

/** What the tool logs when it stops early: how many steps it did. */
function stoppedAfter(log: ReturnType<typeof vi.spyOn>): number | undefined {
  for (const [line] of log.mock.calls as [unknown][]) {
    const match = /^count_slowly: cancelled by the client after (\d+) of (\d+) steps$/.exec(String(line));
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** Reads an event stream until `until` appears in it, then closes it, as a client that gives up. */
async function readThenClose(response: Response, until: string): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes(until)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before ${until}:\n${text}`);
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("count_slowly, 2026-07-28 (the v2 client pinned)", () => {
  it("reports each step as notifications/progress, then the result", async () => {
    const client = await modernClient();
    const progress: Progress[] = [];
    const result = await client.callTool(
      { name: "count_slowly", arguments: { to: 3, stepMs: 1 } },
      { onprogress: (p) => progress.push(p) },
    );
    expect(progress).toEqual([1, 2, 3].map((n) => ({ progress: n, total: 3, message: `Counted ${n} of 3` })));
    expect(result.structuredContent).toEqual({ counted: 3, to: 3 });
    await client.close();
  });

  it("stops working when the client cancels the call (it closes the stream)", async () => {
    const log = vi.spyOn(console, "log");
    const client = await modernClient();
    const controller = new AbortController();
    const call = client.callTool(
      { name: "count_slowly", arguments: { to: 60, stepMs: 20 } },
      { signal: controller.signal, onprogress: (p) => p.progress === 2 && controller.abort() },
    );
    await expect(call).rejects.toThrow(/abort/i);
    await vi.waitFor(() => expect(stoppedAfter(log)).toBeDefined(), { timeout: 1000 });
    // Two steps were reported before the abort; it stopped right there, not after 60.
    expect(stoppedAfter(log)).toBeLessThanOrEqual(3);
    await client.close();
  });

  it("with a token from the OAuth flow", async () => {
    const { tokens } = await signIn();
    const client = await modernClient({ vars: withPassphrase, token: tokens.access_token, origin: ORIGIN });
    const progress: Progress[] = [];
    const result = await client.callTool(
      { name: "count_slowly", arguments: { to: 2, stepMs: 1 } },
      { onprogress: (p) => progress.push(p) },
    );
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
    expect(result.structuredContent).toEqual({ counted: 2, to: 2 });
    await client.close();
  });
});

describe("count_slowly, a 2025 client that drops Mcp-Session-Id (as Claude's connector is reported to)", () => {
  it("counts, and reports progress when the call asks for it (progress needs no session)", async () => {
    const dropping = CLIENT_KINDS.find((kind) => kind.dropsSession)!;
    const client = (await dropping.connect()) as unknown as Awaited<ReturnType<typeof legacyClient>>;
    const progress: Progress[] = [];
    const result = await client.callTool({ name: "count_slowly", arguments: { to: 2, stepMs: 1 } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
    expect(result.structuredContent).toEqual({ counted: 2, to: 2 });
    await client.close();
  });
});

describe("count_slowly, 2025-11-25 (the 1.x client, stateless)", () => {
  it("reports progress over an event stream when the call asks for it", async () => {
    const client = await legacyClient();
    const progress: Progress[] = [];
    const result = await client.callTool({ name: "count_slowly", arguments: { to: 3, stepMs: 1 } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
    expect(result.structuredContent).toEqual({ counted: 3, to: 3 });
    await client.close();
  });

  it("answers one JSON body when no progress is asked for, an event stream when it is", async () => {
    const plain = await post(call({ to: 1, stepMs: 0 }), { headers: LEGACY });
    expect(plain.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await plain.json()).toMatchObject({ result: { structuredContent: { counted: 1, to: 1 } } });

    const streamed = await post(call({ to: 2, stepMs: 0 }, "tok"), { headers: LEGACY });
    const messages = await sseMessages(streamed);
    expect(messages).toEqual([
      expect.objectContaining({ method: "notifications/progress", params: expect.objectContaining({ progress: 1 }) }),
      expect.objectContaining({ method: "notifications/progress", params: expect.objectContaining({ progress: 2 }) }),
      expect.objectContaining({ id: 1, result: expect.objectContaining({ structuredContent: { counted: 2, to: 2 } }) }),
    ]);
  });

  it("a client that takes only JSON still gets its answer (without progress)", async () => {
    const response = await post(call({ to: 2, stepMs: 0 }, "tok"), {
      headers: { ...LEGACY, Accept: "application/json" },
    });
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ result: { structuredContent: { counted: 2, to: 2 } } });
  });

  it("stops working when the client closes the stream", async () => {
    const log = vi.spyOn(console, "log");
    const response = await post(call({ to: 60, stepMs: 20 }, "tok"), { headers: LEGACY });
    await readThenClose(response, '"progress":2');
    await vi.waitFor(() => expect(stoppedAfter(log)).toBeDefined(), { timeout: 1000 });
    expect(stoppedAfter(log)).toBeLessThanOrEqual(3);
  });

  it("runs to the end when nobody cancels (the stop above is the client's doing)", async () => {
    const log = vi.spyOn(console, "log");
    const messages = await sseMessages(await post(call({ to: 5, stepMs: 1 }, "tok"), { headers: LEGACY }));
    expect(messages.at(-1)).toMatchObject({ result: { structuredContent: { counted: 5, to: 5 } } });
    expect(stoppedAfter(log)).toBeUndefined();
  });

  it("with a token from the OAuth flow", async () => {
    const { tokens } = await signIn();
    const client = await legacyClient({ vars: withPassphrase, token: tokens.access_token, origin: ORIGIN });
    const progress: Progress[] = [];
    const result = await client.callTool({ name: "count_slowly", arguments: { to: 2, stepMs: 1 } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
    expect(result.structuredContent).toEqual({ counted: 2, to: 2 });
    await client.close();
  });
});
