import type { User } from "../auth/user.js";
import type { Config } from "../config.js";
import type { Session } from "../session/schema.js";

/** What the OAuth provider puts in `ctx.props` for a request to /mcp that carried a valid token. */
export interface GrantProps {
  user: User;
}

/** Hono's environment for this app: the Worker bindings and what middleware hands on. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    /** The request body, parsed once by `jsonRpcBody` and given to the SDK as `parsedBody`. */
    rpc: unknown;
    /** How to answer: one JSON body, or an SSE stream (content negotiation on `Accept`). */
    responseMode: "json" | "sse";
    /** This connection's settings, read and validated by `sessionConfig`. */
    session: Session;
  };
}
