import type { Config } from "./config.js";
import type { Session } from "./session/schema.js";

/**
 * The types every layer shares: the request as the router hands it on (src/template/http/), who signed
 * in (src/template/auth/ records it, tools read it), what a grant carries. They live here, below the
 * layers, so that no layer imports another's types to describe its own work.
 */

/**
 * Who is calling, as the OAuth grant recorded it. It is encrypted into every access token (the
 * provider's `props`) and handed to tools as `ctx.user`. Keep it small: it travels on every call.
 */
export interface User {
  /** Stable identifier, unique within `provider`. */
  id: string;
  /**
   * How the user proved who they are: an identity kind, `dev` (the one-time code on localhost), or
   * `key` (an API key, src/template/auth/api-keys.ts; `id` is the user the key names).
   */
  provider: IdentityKind | "dev" | "key";
  login?: string;
  email?: string;
  name?: string;
}

/** How users prove who they are on the consent page (AUTH_IDENTITY, src/template/auth/identity/). */
export type IdentityKind = Config["oauth"]["identity"];

/** What the OAuth provider puts in `ctx.props` for a request to /mcp that carried a valid token. */
export interface GrantProps {
  user: User;
  /** Set when the bearer was an API key rather than an OAuth token: which key, and its scopes. */
  apiKey?: { id: string; scopes: readonly string[] };
}

/** Hono's environment for this app: the Worker bindings and what middleware hands on. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    /** The origin this server is known by (src/template/origin.ts), decided once per request. */
    origin: string;
    /** The request body, parsed once by `jsonRpcBody` and given to the SDK as `parsedBody`. */
    parsedBody: unknown;
    /** How to answer: one JSON body, or an SSE stream (content negotiation on `Accept`). */
    responseMode: "json" | "sse";
    /** This connection's settings, read and validated by `sessionConfig`. */
    session: Session;
  };
}
