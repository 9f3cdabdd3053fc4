import type { AuthInfo, McpServer } from "@modelcontextprotocol/server";
import type * as z from "zod";
import type { User } from "../types.js";
import type { JsonFirstTransport } from "./legacy-response.js";
import type { LegacySession, SessionCapability } from "./legacy-session.js";

/**
 * The seams between the MCP endpoint and its optional parts (src/template/optional/, one folder
 * each; docs/optional-parts.md). The endpoint calls each part through the interface below, never
 * its files: scripts/registry.mjs lists the folders that are there in parts.gen.ts, and a part
 * that is not there is served by its stand-in here, which does what the endpoint did before the
 * part existed. So deleting a part's folder (and its binding, or its switch) is all it takes to
 * remove it: nothing else names it.
 */

/**
 * Per-isolate answers (src/template/optional/isolate-cache/): what is the same for every request,
 * computed once per isolate. Without it, the SDK computes every answer on every request.
 */
export interface IsolateCache {
  /**
   * Serves one POST: the answer the SDK gave to the very same request before, if one was kept,
   * else `serve()`'s, kept when it can be replayed.
   */
  serve(request: AnswerInputs, serve: () => Promise<Response>): Promise<Response>;
  /**
   * Whether a request is a list that `installLists` answers: its server registers nothing for
   * it, and there is no handler work to abort.
   */
  answersList(body: unknown): boolean;
  /** Installs the list answers on a request's fresh server. */
  installLists(server: McpServer, lists: ListSource): void;
  /** The same zod object, its JSON Schema computed once per isolate rather than once per request. */
  schema<S extends z.ZodObject>(schema: S): S;
}

/** What a request's answer is computed from besides its JSON-RPC message. */
export interface AnswerInputs {
  request: Request;
  /** The parsed body, which nothing has validated yet. */
  body: unknown;
  /** The auth mode and, with a token, its scopes: different callers may not share an answer. */
  caller: string;
  /** Whether the client renders MCP Apps when that is said outside the message (a 2025-era session). */
  apps: boolean;
  /** What is being served (the registry): an answer kept for another is never replayed. */
  source: unknown;
}

/** The lists a request's server answers, and how to compute one of them. */
export interface ListSource {
  /** The list methods of the registry being served. */
  methods: readonly string[];
  /** Whether the client renders MCP Apps (the lists then include the views). */
  apps: boolean;
  /** What is being served (the registry): lists kept for another are dropped. */
  source: unknown;
  /** The SDK's answer to `method`, from a server that registers everything, asked in process. */
  compute: (method: string) => Promise<Record<string, unknown>>;
}

/**
 * 2025-era questions mid-call (src/template/optional/questions/): a call from a 2025-era client
 * that declared elicitation, sampling or roots can ask it for input, and the answer, POSTed in
 * another request, finds its way back. Without it, a 2025-era client is never asked: a tool's
 * `inputRequired(...)` gets the SDK's tool error at once, and `canAskUser` says no.
 */
export interface Questions {
  /** What the 2025-era session id keeps of a client's initialize (legacy-session.ts). */
  readonly capabilities: readonly SessionCapability[];
  /** The response to a POST that carries only answers to this server's questions; else undefined. */
  deliver(body: unknown, caller: Caller): Promise<Response> | undefined;
  /** How a call that can ask its client does it; undefined when this call cannot ask. */
  asking(call: { body: unknown; session: LegacySession; caller: Caller }): Asking | undefined;
}

/** Who is calling, as far as the parts need to know. */
export interface Caller {
  env: Env;
  request: Request;
  user: User | undefined;
  authInfo: AuthInfo | undefined;
  /** The 2025-era session id the request carried. */
  sessionId: string | null;
}

/** A call that can ask its client. */
export interface Asking {
  /** What the client declared it can answer (`ctx.askable`). */
  askable: LegacySession["capabilities"];
  /** The call's transport, connected to `server` and ready to ask. `sse`: the client takes only a stream. */
  connect(server: McpServer, mode: "auto" | "sse"): Promise<JsonFirstTransport>;
}

/** Every seam, each served by its part or its stand-in. */
export interface Parts {
  isolateCache: IsolateCache;
  questions: Questions;
}

/** Each seam's stand-in: what the endpoint does without the part. */
export const WITHOUT: Readonly<Parts> = {
  isolateCache: {
    serve: (_request, serve) => serve(),
    answersList: () => false,
    installLists: () => {},
    schema: (schema) => schema,
  },
  questions: {
    capabilities: [],
    deliver: () => undefined,
    asking: () => undefined,
  },
};

/** The parts present (parts.gen.ts), and a stand-in for each that is not. */
export function withStandIns(present: Partial<Parts>): Parts {
  return { ...WITHOUT, ...present };
}
