import { describe, expect, it } from "vitest";
import { jsonUnlessStreamed } from "../src/mcp/legacy-response.js";

// The 2025-era answer shape (src/mcp/legacy-response.ts), on streams built byte by byte: the
// transport's chunking is not a contract, so events split anywhere must read the same.

const encoder = new TextEncoder();
const RESULT = '{"result":{"content":[]},"jsonrpc":"2.0","id":3}';
const PROGRESS = '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":5}}';

function sse(chunks: string[], headers: Record<string, string> = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream", "Mcp-Extra": "kept", ...headers } });
}

function split(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

describe("jsonUnlessStreamed", () => {
  it("turns a stream whose first message is the response into that JSON body, however it is chunked", async () => {
    const text = `: keep-alive\n\nid: 1\ndata:\n\nevent: message\ndata: ${RESULT}\n\n`;
    for (const size of [1, 7, text.length]) {
      const response = await jsonUnlessStreamed(sse(split(text, size)));
      expect(response.headers.get("Content-Type"), `chunks of ${size}`).toBe("application/json");
      expect(response.headers.get("Mcp-Extra")).toBe("kept");
      expect(await response.json()).toEqual(JSON.parse(RESULT));
    }
  });

  it("passes a stream that starts with a notification on unchanged, every byte in order", async () => {
    const text = `event: message\ndata: ${PROGRESS}\n\nevent: message\ndata: ${RESULT}\n\n`;
    for (const size of [1, 13, text.length]) {
      const response = await jsonUnlessStreamed(sse(split(text, size)));
      expect(response.headers.get("Content-Type")).toBe("text/event-stream");
      expect(await response.text(), `chunks of ${size}`).toBe(text);
    }
  });

  it("leaves a JSON answer, a 202 and an empty stream as they are", async () => {
    const json = new Response(RESULT, { headers: { "Content-Type": "application/json" } });
    expect(await jsonUnlessStreamed(json)).toBe(json);
    const accepted = new Response(null, { status: 202 });
    expect(await jsonUnlessStreamed(accepted)).toBe(accepted);
    const empty = await jsonUnlessStreamed(sse([]));
    expect(await empty.text()).toBe("");
  });
});
