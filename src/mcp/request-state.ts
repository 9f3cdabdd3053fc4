import { createRequestStateCodec, type RequestStateCodec, type ServerContext } from "@modelcontextprotocol/server";
import type { Secrets } from "../config.js";

/**
 * Integrity for multi round-trip `requestState` (2026-07-28): the state a handler returns with
 * `inputRequired(...)` travels through the client and comes back as untrusted input, so it is
 * sealed with the SDK's HMAC codec under the Worker secret REQUEST_STATE_SECRET (at least 32
 * bytes; `wrangler secret put REQUEST_STATE_SECRET`, .dev.vars locally). Without the secret
 * nothing can be minted and every echoed state is refused: fail closed.
 */
const MIN_KEY_BYTES = 32;
/** How long a minted state stays valid: one human answer, not a session. */
const TTL_SECONDS = 300;

const codecs = new Map<string, RequestStateCodec>();

/** The codec for this Worker's secret, built once per isolate; undefined without a usable secret. */
export function requestStateCodec<T = unknown>(env: Env & Secrets): RequestStateCodec<T> | undefined {
  const key = env.REQUEST_STATE_SECRET;
  if (!key || new TextEncoder().encode(key).byteLength < MIN_KEY_BYTES) return undefined;
  let codec = codecs.get(key);
  if (!codec) {
    // Bound to the method and the OAuth client: state minted for one call is refused on another.
    codec = createRequestStateCodec({ key, ttlSeconds: TTL_SECONDS, bind: bindingOf });
    codecs.set(key, codec);
  }
  return codec as RequestStateCodec<T>;
}

function bindingOf(ctx: ServerContext): string {
  return `${ctx.mcpReq.method}\0${ctx.http?.authInfo?.clientId ?? ""}`;
}

/**
 * McpServer's `requestState.verify`: the SDK calls it before the handler whenever a request echoes
 * a state, and answers a throw with -32602 "Invalid or expired requestState".
 */
export function requestStateVerifier(env: Env): (state: string, ctx: ServerContext) => Promise<unknown> {
  return async (state, ctx) => {
    const codec = requestStateCodec(env);
    if (!codec) throw new Error("REQUEST_STATE_SECRET is not set (or shorter than 32 bytes)");
    return codec.verify(state, ctx);
  };
}
