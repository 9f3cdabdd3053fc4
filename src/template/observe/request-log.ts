import { jsonForLog } from "./json-for-log.js";

/**
 * One structured log line per request to /mcp, an object written with one `console.log` once
 * the answer is complete: which era, method and tool (resource, prompt), how it ended, how long it took, who
 * asked (client id, a keyed hash of the user) and the Cloudflare ray id. Workers Logs indexes its
 * fields (`mcp.method`, `mcp.name`, `mcp.outcome`…) and `wrangler tail --format json` shows it;
 * docs/production.md has the queries. What a client sends (arguments, URIs), what the server
 * answers and every credential stay out of it; LOG_ARGUMENTS adds arguments, cut short.
 *
 * The entry opens it (src/template/index.ts: every request to /mcp has one, even one refused
 * before it reaches the MCP handler), the layers a request passes fill it in through `logOf(ctx)`,
 * and the MCP server's transport reports what it sends (`sent`). A JSON-RPC batch is one request
 * and one line: its messages are listed in `messages`, and its top-level outcome is the worst of
 * theirs.
 */

/** Which protocol era a request was served in (as src/template/mcp/define.ts names them). */
export type Era = "modern" | "legacy";

/** How a message (or a request refused before any message ran) ended. */
export type Outcome =
  /** A result. */
  | "result"
  /** A tool's result with `isError`: the tool ran and failed in a way the model can read. */
  | "tool_error"
  /** 2026-07-28 multi round-trip: the handler asked the user something first. */
  | "input_required"
  /** A JSON-RPC error (`code`). */
  | "error"
  /** A notification or a client's answer to a question: nothing to answer. */
  | "accepted"
  /** Refused over HTTP before it ran (401, 403, 406, 413, 415, 429…); `code` when the answer had one. */
  | "refused"
  /** The client went away before the answer. */
  | "cancelled"
  /** The answer ended without a response to it. */
  | "unanswered";

/** One JSON-RPC message of the request, as the line lists it. */
export interface LoggedMessage {
  /** A method this server knows (`tools/call`…), `(other)`, `(response)` or `(invalid)`. */
  method: string;
  /** The tool, prompt or resource, by the name this server gave it; `(unknown)` for one it does not have. */
  name?: string;
  outcome?: Outcome;
  code?: number;
  /** Only with LOG_ARGUMENTS: the arguments (a resource read's URI), cut to that many characters. */
  arguments?: string;
}

/** The line as it is logged: `console.log({ mcp: line })`. */
export interface McpLogLine {
  era?: Era;
  /** A method as in `LoggedMessage`, or `batch` for a JSON-RPC batch. */
  method?: string;
  name?: string;
  outcome: Outcome;
  code?: number;
  /** The HTTP status of the answer. */
  status: number;
  /** Milliseconds from the request to its complete answer, as the Workers clock sees it (it moves on I/O). */
  ms: number;
  /** `oauth` (a token), `key` (an API key) or `none` (MCP_AUTH=none). */
  auth: "oauth" | "key" | "none";
  /** The OAuth client id (cut to 200 characters), or `key:<id>` for an API key. */
  client?: string;
  /** A keyed hash of who signed in (src/template/observe/user-id.ts). */
  user?: string;
  /** The Cloudflare ray id (CF-Ray), to find the request in Cloudflare's other logs. */
  ray?: string;
  /** Which limit refused it (429): every message of the caller, or a tool's own. */
  limit?: "caller" | "tool";
  arguments?: string;
  /** A batch: how many messages it had, and each of them (the first 100; batches hold at most 20). */
  batch?: number;
  messages?: LoggedMessage[];
}

/** Names the methods, tools, resources and prompts a request uses, as the server knows them. */
export type NameOf = (method: string, params: Record<string, unknown> | undefined) => string | undefined;

/** The methods a client sends (both eras); anything else is logged as `(other)`. */
const METHODS: ReadonlySet<string> = new Set([
  "initialize",
  "ping",
  "server/discover",
  "tools/list",
  "tools/call",
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "resources/subscribe",
  "resources/unsubscribe",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "logging/setLevel",
  "subscriptions/listen",
  "tasks/get",
  "tasks/result",
  "tasks/list",
  "tasks/cancel",
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
  "notifications/roots/list_changed",
]);

const MAX_LISTED = 100;
const MAX_CLIENT_ID = 200;
const RAY = /^[0-9a-f]{16}(?:-[A-Z0-9]{3,4})?$/;

interface Entry extends LoggedMessage {
  id?: unknown;
}

export class RequestLog {
  readonly #started = Date.now();
  readonly #ray: string | undefined;
  #auth: McpLogLine["auth"];
  #era: Era | undefined;
  #client: string | undefined;
  #user: Promise<string> | undefined;
  #limit: McpLogLine["limit"];
  #entries: Entry[] = [];
  #count = 0;
  /** Requests (messages with an id) not answered yet. */
  #waiting = 0;
  #code: number | undefined;

  constructor(request: Request, auth: McpLogLine["auth"]) {
    const ray = request.headers.get("CF-Ray");
    this.#ray = ray !== null && RAY.test(ray) ? ray : undefined;
    this.#auth = auth;
  }

  /** The messages of the body, named as the server knows them. */
  describe(body: unknown, nameOf: NameOf, argumentChars: number): void {
    const messages = Array.isArray(body) ? body : [body];
    this.#count = messages.length;
    this.#entries = messages.slice(0, MAX_LISTED).map((m) => entryOf(m, nameOf, argumentChars));
    this.#waiting = this.#entries.filter((e) => e.id !== undefined && e.outcome === undefined).length;
  }

  /** Who is calling: how they proved it, their client, and a keyed hash of the user. */
  identify(auth: McpLogLine["auth"], client: string | undefined, user: Promise<string> | undefined): void {
    this.#auth = auth;
    this.#client = client && client.length > MAX_CLIENT_ID ? client.slice(0, MAX_CLIENT_ID) : client;
    this.#user = user;
  }

  set era(era: Era) {
    this.#era = era;
  }
  get era(): Era | undefined {
    return this.#era;
  }

  /** Refused by a per-caller limit (src/template/http/caller-limits.ts). */
  limited(by: "caller" | "tool"): void {
    this.#limit = by;
  }

  /** The single message's method and name, or `batch`; for span names and attributes (./span.ts). */
  get method(): string | undefined {
    return this.#count > 1 ? "batch" : this.#entries[0]?.method;
  }
  get name(): string | undefined {
    return this.#count > 1 ? undefined : this.#entries[0]?.name;
  }
  get client(): string | undefined {
    return this.#client;
  }
  /** The single message's outcome, once the server has answered it. */
  get outcome(): Pick<LoggedMessage, "outcome" | "code"> | undefined {
    const [only] = this.#entries;
    return this.#count === 1 && only?.outcome ? { outcome: only.outcome, code: only.code } : undefined;
  }

  /** What the MCP server sent (its transport's `send`): a response settles its request's outcome. */
  sent(message: unknown): void {
    if (this.#waiting === 0 || !isObject(message) || !("id" in message) || "method" in message) return;
    const entry = this.#entries.find((e) => e.outcome === undefined && e.id === message.id);
    if (!entry) return;
    if (isObject(message.error)) {
      entry.outcome = "error";
      if (typeof message.error.code === "number") entry.code = message.error.code;
    } else if (isObject(message.result)) {
      entry.outcome =
        message.result.isError === true
          ? "tool_error"
          : message.result.resultType === "input_required"
            ? "input_required"
            : "result";
    } else entry.outcome = "result";
    this.#waiting -= 1;
  }

  /** Answered from the per-isolate memo of the SDK's earlier answer (src/template/mcp/replay.ts). */
  replayed(): void {
    for (const entry of this.#entries) entry.outcome ??= "result";
    this.#waiting = 0;
  }

  /**
   * The answer is ready: the line is written now, or, for an event stream still carrying answers,
   * when the stream ends or the client goes away. Returns the answer to send (a stream passes
   * through a step that notices its end: the line is written while the body is still being
   * delivered, so it needs no `waitUntil` and nothing waits on a stream nobody reads).
   */
  async finish(response: Response, request: Request): Promise<Response> {
    const { status } = response;
    const type = response.headers.get("Content-Type") ?? "";
    if (this.#waiting > 0 && response.body && type.startsWith("text/event-stream")) {
      let written = false;
      const write = (cancelled: boolean) => {
        if (written) return;
        written = true;
        request.signal.removeEventListener("abort", gone);
        return this.#write(status, cancelled);
      };
      const gone = () => void write(true);
      request.signal.addEventListener("abort", gone, { once: true });
      const ended = new TransformStream<Uint8Array, Uint8Array>({
        flush: () => write(false),
        cancel: () => write(true),
      });
      return new Response(response.body.pipeThrough(ended), response);
    }
    // A refusal before any message ran: its JSON-RPC error code, from the small body that says so.
    if (status >= 400 && type.startsWith("application/json") && this.#entries.every((e) => e.outcome === undefined)) {
      this.#code = await errorCode(response.clone());
    }
    await this.#write(status, status === 499);
    return response;
  }

  /** The request failed with an exception (a 500 from the runtime): still one line. */
  async failed(): Promise<void> {
    await this.#write(500, false);
  }

  async #write(status: number, cancelled: boolean): Promise<void> {
    const line = {} as McpLogLine;
    if (this.#era) line.era = this.#era;
    this.#outcomeInto(line, status, cancelled);
    line.status = status;
    line.ms = Date.now() - this.#started;
    line.auth = this.#auth;
    if (this.#client) line.client = this.#client;
    const user = this.#user && (await this.#user.catch(() => undefined));
    if (user) line.user = user;
    if (this.#ray) line.ray = this.#ray;
    if (this.#limit) line.limit = this.#limit;
    // An object, not a string of JSON: Workers Logs extracts and indexes an object's fields
    // (`mcp.name`, `mcp.outcome`…), as Cloudflare documents it, and `wrangler tail --format json`
    // gives it as JSON; a string is stored as a message, to be searched as text.
    console.log({ mcp: line });
  }

  /** What the request was and how it ended: its one message's, or a batch's, every message listed. */
  #outcomeInto(line: McpLogLine, status: number, cancelled: boolean): void {
    const fallback: Outcome =
      status === 499 || cancelled
        ? "cancelled"
        : status >= 400
          ? "refused"
          : status === 202
            ? "accepted"
            : "unanswered";
    const settled = (e: Entry): LoggedMessage & { outcome: Outcome } => {
      const out: LoggedMessage & { outcome: Outcome } = { method: e.method, outcome: e.outcome ?? fallback };
      if (e.name !== undefined) out.name = e.name;
      const code = e.outcome === undefined ? this.#code : e.code;
      if (code !== undefined) out.code = code;
      if (e.arguments !== undefined) out.arguments = e.arguments;
      return out;
    };
    if (this.#count <= 1) {
      const only = this.#entries[0];
      Object.assign(line, only ? settled(only) : { outcome: fallback });
      if (!only && this.#code !== undefined) line.code = this.#code;
      return;
    }
    const messages = this.#entries.map(settled);
    const worst = messages.find(
      (e) =>
        e.outcome !== "result" &&
        e.outcome !== "accepted" &&
        e.outcome !== "tool_error" &&
        e.outcome !== "input_required",
    );
    line.method = "batch";
    line.outcome = worst
      ? worst.outcome
      : messages.some((e) => e.outcome === "tool_error")
        ? "tool_error"
        : messages.every((e) => e.outcome === "accepted")
          ? "accepted"
          : "result";
    if (worst?.code !== undefined) line.code = worst.code;
    line.batch = this.#count;
    line.messages = messages;
  }
}

function entryOf(message: unknown, nameOf: NameOf, argumentChars: number): Entry {
  if (!isObject(message)) return { method: "(invalid)", outcome: "error" };
  if (typeof message.method !== "string") {
    return "result" in message || "error" in message
      ? { method: "(response)", outcome: "accepted" }
      : { method: "(invalid)", outcome: "error" };
  }
  const params = isObject(message.params) ? message.params : undefined;
  const method = METHODS.has(message.method) ? message.method : "(other)";
  const entry: Entry = { method };
  const name = method === "(other)" ? undefined : nameOf(method, params);
  if (name !== undefined) entry.name = name;
  if (argumentChars > 0) {
    const args = method === "resources/read" ? params?.uri : params?.arguments;
    if (args !== undefined) entry.arguments = jsonForLog(args, argumentChars);
  }
  // A request has an id; a notification gets no answer.
  if (valid(message.id)) entry.id = message.id;
  else entry.outcome = "accepted";
  return entry;
}

function valid(id: unknown): boolean {
  return typeof id === "string" || typeof id === "number";
}

async function errorCode(response: Response): Promise<number | undefined> {
  if (Number(response.headers.get("Content-Length") ?? 0) > 4096) return undefined;
  try {
    const body = (await response.json()) as { error?: { code?: unknown } };
    return typeof body?.error?.code === "number" ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const logs = new WeakMap<object, RequestLog>();

/** Opens the log line of a request to /mcp (the entry does, for every one). */
export function openLog(ctx: ExecutionContext, request: Request, auth: McpLogLine["auth"]): RequestLog {
  const log = new RequestLog(request, auth);
  logs.set(ctx, log);
  return log;
}

/** The request's log line, to fill in; undefined outside a request to /mcp. */
export function logOf(ctx: ExecutionContext): RequestLog | undefined {
  return logs.get(ctx);
}
