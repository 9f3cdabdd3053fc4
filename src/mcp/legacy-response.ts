/**
 * The 2025-era leg's answer shape, chosen the way the 2026-07-28 leg's `auto` mode chooses it:
 * one JSON body when the handler only answers, an event stream when it reports something first
 * (progress, log messages). The SDK's 2025 transport decides up front (JSON drops every
 * notification), so it streams, and this reads the stream's first event: a response becomes the
 * JSON body; anything else is passed on as the stream it is, that event included.
 */
export async function jsonUnlessStreamed(response: Response): Promise<Response> {
  const body = response.body;
  if (!body || !response.headers.get("Content-Type")?.startsWith("text/event-stream")) return response;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const seen: Uint8Array[] = [];
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return replay(response, seen, reader);
    seen.push(value);
    text += decoder.decode(value, { stream: true });
    for (let end = text.indexOf("\n\n"); end >= 0; end = text.indexOf("\n\n")) {
      const data = dataOf(text.slice(0, end));
      text = text.slice(end + 2);
      if (!data) continue; // a comment, or a priming event (an id, empty data): no message yet
      if (!isResponse(data)) return replay(response, seen, reader);
      await reader.cancel().catch(() => {});
      const headers = new Headers(response.headers);
      headers.set("Content-Type", "application/json");
      return new Response(data, { status: response.status, headers });
    }
  }
}

function dataOf(event: string): string | undefined {
  const lines = event.split("\n").filter((line) => line.startsWith("data:"));
  return lines.length ? lines.map((line) => line.slice(5).replace(/^ /, "")).join("\n") : undefined;
}

function isResponse(data: string): boolean {
  try {
    const message = JSON.parse(data) as Record<string, unknown>;
    return "id" in message && ("result" in message || "error" in message);
  } catch {
    return false;
  }
}

/** The stream as the transport wrote it: what was read already, then the rest, as it comes. */
function replay(response: Response, seen: Uint8Array[], reader: ReadableStreamDefaultReader<Uint8Array>): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    // The client went away: the transport sees it, and the handler's signal aborts.
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(stream, { status: response.status, headers: response.headers });
}
