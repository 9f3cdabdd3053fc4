import type { McpServer } from "@modelcontextprotocol/server";

/**
 * The SDK's transport-close hook on its protocol engine (`Protocol._onclose`, protected; its
 * documentation invites overrides that call the original). Every per-request server runs it when
 * its exchange ends: it builds a `SdkError("Connection closed")` to settle what is still pending,
 * then calls `onclose`, then aborts the handlers' controllers with that error.
 */
interface ClosingProtocol {
  _onclose(): void;
  onclose?: () => void;
}

/** V8's `Error.stackTraceLimit` (frames captured per new error), which workerd's types leave out. */
const V8Error = Error as ErrorConstructor & { stackTraceLimit: number };

/**
 * Builds the per-request server's close error without a stack trace. The server closes after
 * every exchange, the error almost never reaches anyone (the handlers have answered), and
 * capturing its stack was about 3% of a 2026-07-28 request's CPU (docs/performance.md).
 *
 * `Error.stackTraceLimit` is 0 only from the start of the close hook to the first thing the SDK
 * calls after building the error (`onclose`, which restores it): the handlers' abort listeners,
 * and anything else that runs after, see the usual limit. test/close-cost.test.ts fails if the
 * SDK's close stops working this way.
 */
export function closeWithoutStackTrace(server: McpServer): void {
  const protocol = server.server as unknown as ClosingProtocol;
  const close = protocol._onclose;
  let saved: number | undefined;
  const restore = () => {
    if (saved === undefined) return;
    V8Error.stackTraceLimit = saved;
    saved = undefined;
  };
  protocol._onclose = function (this: ClosingProtocol) {
    saved = V8Error.stackTraceLimit;
    V8Error.stackTraceLimit = 0;
    try {
      close.call(this);
    } finally {
      restore();
    }
  };
  // Whoever sets `onclose` later (the SDK's entry does, per exchange) calls the one it replaces.
  const onclose = protocol.onclose;
  protocol.onclose = () => {
    restore();
    onclose?.();
  };
}
