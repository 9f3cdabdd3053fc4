import type { MiddlewareHandler } from "hono";
import { describeSource, readSession } from "../../session/read.js";
import type { AppEnv } from "../../types.js";
import { jsonRpcError } from "../json-rpc-error.js";

/**
 * Reads this connection's settings (src/server/session.ts) from the request's headers and query
 * string and hands them on as `session`. A bad value is the client's to fix: 400 with a JSON-RPC
 * error (-32602) that names each setting and where it came from. Values are never echoed back,
 * since some of them are secrets.
 */
export const sessionConfig: MiddlewareHandler<AppEnv> = async (c, next) => {
  const result = await readSession(c.req.raw);
  if (!result.ok) {
    const problems = result.issues.map((i) => `${i.field} (${describeSource(i.from)}): ${i.message}`);
    return jsonRpcError(400, -32602, `Invalid session configuration: ${problems.join("; ")}`, undefined, {
      issues: result.issues,
    });
  }
  c.set("session", result.session);
  await next();
};
