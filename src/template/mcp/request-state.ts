import { createRequestStateCodec, type RequestStateCodec, type ServerContext } from "@modelcontextprotocol/server";
import { getConfig, type Secrets } from "../config.js";
import { base64, base64url, sha256 } from "../encoding.js";
import { isLoopback } from "../loopback.js";
import type { McpContext } from "./define.js";

/**
 * Multi round-trip state (2026-07-28): a tool that returns `inputRequired(...)` hands the client a
 * `requestState`, and the client sends it back, untouched, with the user's answer. It travels
 * through the client, so it is signed (HMAC-SHA256, the SDK's request-state codec) with the secret
 * REQUEST_STATE_SECRET, and it is only accepted
 * - within TTL_SECONDS of being issued;
 * - from the same caller: the signed-in user (or "anonymous" with MCP_AUTH=none) and OAuth client,
 *   for the same method (the codec's binding, checked before any handler runs: `requestStateVerifier`);
 * - for the same tool and the same arguments (a digest, checked by `openState`).
 * Anything else is refused: -32602 "Invalid or expired requestState" from the SDK for the first
 * three, a tool error for the last. Stateless, so not single-use: within its lifetime the same
 * state can be sent again for the very same call; see docs/protocol.md for what that means.
 */
const TTL_SECONDS = 5 * 60;

// What a multi round-trip tool builds its questions and reads its answers with (src/template/api.ts).
export { inputRequired, inputResponse } from "@modelcontextprotocol/server";

/** What the signed state carries: which call it belongs to, and the tool's own data. */
interface Sealed {
  tool: string;
  args: string;
  data: unknown;
}

export class RequestStateNotConfigured extends Error {
  override name = "RequestStateNotConfigured";
  constructor() {
    super(
      "This server cannot ask for confirmation: the secret REQUEST_STATE_SECRET is not set. " +
        "Its operator sets it with `npx wrangler secret put REQUEST_STATE_SECRET` (32 characters or more).",
    );
  }
}

/** Thrown in a handler, the SDK answers it as a tool error with this message: nothing was done. */
export class WrongRequestState extends Error {
  override name = "WrongRequestState";
  constructor() {
    super("This requestState was issued for another call (another tool or other arguments): nothing was done.");
  }
}

const codecs = new Map<string, RequestStateCodec>();
let ephemeralKey: string | undefined;

/**
 * The codec for this Worker's key, built once per isolate, or undefined when there is none. The
 * key is REQUEST_STATE_SECRET when it is set. Without it, a server on localhost (wrangler dev, as
 * `ctx` tells) signs with a random key of its own isolate, so the examples work before any setup
 * (a restart forgets the key, and with it any state in flight); anywhere else nothing is signed
 * or accepted.
 */
export function requestStateCodec<T = unknown>(
  env: Env & Secrets,
  ctx?: ServerContext,
): RequestStateCodec<T> | undefined {
  const key = keyFor(env, ctx);
  if (!key) return undefined;
  let codec = codecs.get(key);
  if (!codec) {
    codec = createRequestStateCodec({ key, ttlSeconds: TTL_SECONDS, bind: binding });
    codecs.set(key, codec);
  }
  return codec as RequestStateCodec<T>;
}

function keyFor(env: Env & Secrets, ctx: ServerContext | undefined): string | undefined {
  return signingSecret(env, ctx?.http?.req ? new URL(ctx.http.req.url) : undefined);
}

/**
 * The secret this Worker signs what travels through its clients with: REQUEST_STATE_SECRET, or on
 * localhost (PUBLIC_URL, else `url`, the request's) a random key of this isolate; undefined
 * anywhere else without the secret. The 2025-era question ids (src/template/optional/questions/)
 * are signed with it too.
 */
export function signingSecret(env: Env & Secrets, url: URL | undefined): string | undefined {
  const config = getConfig(env);
  if (config.requestStateSecret) return config.requestStateSecret;
  const origin = config.publicUrl ?? url;
  if (!origin || !isLoopback(origin.hostname)) return undefined;
  ephemeralKey ??= base64(crypto.getRandomValues(new Uint8Array(32)));
  return ephemeralKey;
}

/** Who asks and how: the method, the user (AuthInfo.extra.user, see src/template/http/mcp.ts), the client. */
function binding(ctx: ServerContext): string {
  const auth = ctx.http?.authInfo;
  const user = typeof auth?.extra?.user === "string" ? auth.extra.user : "anonymous";
  return [ctx.mcpReq.method, user, auth?.clientId ?? ""].join("\0");
}

/**
 * McpServer's `requestState.verify` (src/template/mcp/server.ts): the SDK calls it before the handler
 * whenever a request echoes a state, and answers a throw with -32602 "Invalid or expired
 * requestState". Without a key every state is refused: fail closed.
 */
export function requestStateVerifier(env: Env & Secrets): (state: string, ctx: ServerContext) => Promise<unknown> {
  return async (state, ctx) => {
    const codec = requestStateCodec(env, ctx);
    if (!codec) throw new RequestStateNotConfigured();
    return codec.verify(state, ctx);
  };
}

/**
 * Signs `data` into a `requestState` for this call of `tool` with these `args`. Throws
 * RequestStateNotConfigured when the server has no key (deployed without REQUEST_STATE_SECRET).
 */
export async function sealState(ctx: McpContext, tool: string, args: unknown, data: unknown): Promise<string> {
  const codec = requestStateCodec<Sealed>(ctx.env, ctx.mcp);
  if (!codec) throw new RequestStateNotConfigured();
  return codec.mint({ tool, args: await digest(args), data }, ctx.mcp);
}

/**
 * The data sealed by an earlier round of this call, or undefined on a first call (no state). The
 * signature, lifetime and caller were checked by `requestStateVerifier`; here, that the state was
 * issued for this tool and these arguments: a confirmation for one thing cannot approve another.
 */
export async function openState<T>(ctx: McpContext, tool: string, args: unknown): Promise<T | undefined> {
  const sealed = ctx.mcp.mcpReq.requestState<Sealed | string>();
  if (sealed === undefined) return undefined;
  // A string means no verify hook ran (src/template/mcp/server.ts installs it): never trust an unchecked state.
  if (typeof sealed !== "object" || sealed === null || sealed.tool !== tool || sealed.args !== (await digest(args))) {
    throw new WrongRequestState();
  }
  return sealed.data as T;
}

/** SHA-256 of the arguments as canonical JSON (keys sorted), base64url. */
async function digest(args: unknown): Promise<string> {
  return base64url(await sha256(canonicalJson(args)));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
