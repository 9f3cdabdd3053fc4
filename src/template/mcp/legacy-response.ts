import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/server";

/**
 * The 2025-era leg's answer shape, chosen the way the 2026-07-28 leg's `auto` mode chooses it:
 * one JSON body when the handler only answers, an event stream when it reports something first
 * (progress, log messages). The SDK's 2025 transport decides up front (JSON drops every
 * notification), so it streams; what the server sends first decides the answer's shape.
 */

/**
 * The first message the server sends on `transport` (undefined if it closes before sending any).
 * Watched at `send`, as the message object: nothing is read back from the stream, decoded or
 * parsed again (that read-back was about a fifth of a 2025-era request).
 */
export function firstSent(transport: Transport): Promise<JSONRPCMessage | undefined> {
  return new Promise((resolve) => {
    const send = transport.send.bind(transport);
    const close = transport.close.bind(transport);
    transport.send = (message, options) => {
      // The transport writes the event synchronously first (no event store), then this settles.
      const sent = send(message, options);
      resolve(message);
      return sent;
    };
    transport.close = () => {
      resolve(undefined);
      return close();
    };
  });
}

/**
 * `response` as the transport wrote it, unless the first message (`first`, from `firstSent`) is
 * the response itself: then that message as one JSON body, and the stream is dropped. A stream
 * that starts with anything else (log messages, progress, a question) is passed on untouched.
 */
export async function jsonUnlessStreamed(
  response: Response,
  first: Promise<JSONRPCMessage | undefined>,
): Promise<Response> {
  const body = response.body;
  if (!body || !response.headers.get("Content-Type")?.startsWith("text/event-stream")) return response;
  const message = await first;
  if (!isResponse(message)) return response;
  await body.cancel().catch(() => {});
  const headers = new Headers(response.headers);
  headers.set("Content-Type", "application/json");
  return new Response(JSON.stringify(message), { status: response.status, headers });
}

/**
 * The SDK built the message, so its shape is JSON-RPC's: a response has an id and a result or an
 * error (a request has a method). The SDK's own guards validate the whole result with Zod.
 */
function isResponse(message: JSONRPCMessage | undefined): boolean {
  return message !== undefined && "id" in message && ("result" in message || "error" in message);
}

/**
 * Warns when a tool that declared `answersOnly` sends anything but its result on `transport`:
 * a 2025-era client answered with one JSON body never sees it. Once per call, naming the tool.
 */
export function warnIfReports(transport: Transport, tool: string): void {
  const send = transport.send.bind(transport);
  let warned = false;
  transport.send = (message, options) => {
    if (!warned && !isResponse(message)) {
      warned = true;
      const what = "method" in message ? message.method : "a message";
      console.warn(
        `MCP: tool ${tool} declares answersOnly but sent ${what} before its result; ` +
          "2025-era clients answered with JSON miss it. Remove answersOnly from the tool.",
      );
    }
    return send(message, options);
  };
}
