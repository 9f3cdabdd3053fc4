/**
 * The preflight's view of HTTP: one request as the scanner makes it (its User-Agent, a timeout,
 * no redirects followed on POST), the answer read once, and the few ways of reading an answer
 * that the checks share. Runs on Node's fetch and in workerd alike: nothing here is Node's.
 */

import { isLoopback } from "../../src/template/loopback.ts";

/** What Smithery's scanner sends (it runs on Cloudflare Workers). */
export const SMITHERY_USER_AGENT = "SmitheryBot/1.0 (+https://smithery.ai)";

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** One answer, read: status, headers, body text, and JSON when the body was JSON. */
export interface Exchange {
  url: string;
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or for an SSE answer the JSON-RPC message with the id asked for. */
  json: unknown;
}

export type Outcome = { ok: true; exchange: Exchange } | { ok: false; error: string };

export interface SendOptions {
  fetch: Fetch;
  userAgent: string;
  timeoutMs: number;
  /** For an SSE answer: stop reading once the JSON-RPC message with this id has arrived. */
  rpcId?: number;
}

const MAX_BODY = 1024 * 1024;

export async function send(url: string, init: RequestInit, options: SendOptions): Promise<Outcome> {
  const headers = new Headers(init.headers);
  headers.set("User-Agent", options.userAgent);
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await options.fetch(url, { ...init, headers, signal });
    const type = response.headers.get("Content-Type") ?? "";
    if (type.includes("text/event-stream")) {
      const { text, message } = await readEvents(response, options.rpcId);
      return { ok: true, exchange: { url, status: response.status, headers: response.headers, text, json: message } };
    }
    const text = await readText(response);
    return {
      ok: true,
      exchange: { url, status: response.status, headers: response.headers, text, json: parseJson(text) },
    };
  } catch (error) {
    if (signal.aborted) return { ok: false, error: `no answer within ${options.timeoutMs / 1000} s` };
    return { ok: false, error: describeError(error) };
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's fetch hides the reason (ECONNREFUSED, ENOTFOUND, certificate…) in `cause`.
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${error.message} (${detail})` : error.message;
}

async function readText(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (text.length > MAX_BODY) {
      await reader.cancel();
      break;
    }
  }
  return text + decoder.decode();
}

/** Reads an SSE body until the JSON-RPC message with `id` arrives (or the stream ends). */
async function readEvents(response: Response, id: number | undefined): Promise<{ text: string; message: unknown }> {
  if (!response.body) return { text: "", message: undefined };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value) text += decoder.decode(value, { stream: true });
    // Events end with a blank line; each event's `data:` lines join into one JSON-RPC message.
    const events = text.replace(/\r\n?/g, "\n").split("\n\n");
    if (!done) events.pop(); // the last one may still be arriving
    for (const event of events) {
      const data = event
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).replace(/^ /, ""))
        .join("\n");
      const message = parseJson(data) as { id?: unknown } | undefined;
      if (isObject(message) && (id === undefined || message.id === id)) {
        await reader.cancel().catch(() => {});
        return { text, message };
      }
    }
    if (done || text.length > MAX_BODY) return { text, message: undefined };
  }
}

/** A GET for a JSON document (metadata, the card), as the scanner asks for it. */
export function getJson(url: string, options: SendOptions, headers: Record<string, string> = {}): Promise<Outcome> {
  return send(url, { method: "GET", headers: { Accept: "application/json", ...headers } }, options);
}

export function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The parameters of a `Bearer` challenge in WWW-Authenticate, or undefined when there is none. */
export function bearerChallenge(header: string | null): Record<string, string> | undefined {
  if (!header) return undefined;
  const match = /(?:^|,)\s*Bearer(?:\s+|$)(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  // name="quoted, value" or name=token; stop at the next scheme (a bare token followed by space).
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const [, name, quoted, bare] of match[1]!.matchAll(pattern)) {
    params[name!.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare!;
  }
  return params;
}

/**
 * Who refused the scanner, when it was Cloudflare: a challenge (Bot Fight Mode, Super Bot Fight
 * Mode, a managed-challenge rule) or a block page (a WAF custom rule, an IP Access Rule, Browser
 * Integrity Check). Anything else is the server's own answer.
 */
export function cloudflareVerdict(exchange: Exchange): "challenge" | "block" | undefined {
  if (/challenge/i.test(exchange.headers.get("cf-mitigated") ?? "")) return "challenge";
  const body = exchange.text.slice(0, 64 * 1024);
  if (/Just a moment(?:\.\.\.|…)|\/cdn-cgi\/challenge-platform\/|_cf_chl_opt/i.test(body)) return "challenge";
  if (
    /Attention Required! \| Cloudflare|Sorry, you have been blocked|cf-error-code|Error(?: code:?)? 10(?:0[5-9]|1[0-2]|20)\b/i.test(
      body,
    )
  ) {
    return "block";
  }
  return undefined;
}

export { isLoopback };

/** True when `url` would be refused for not being https (http is fine on loopback only). */
export function insecure(url: string): boolean {
  try {
    const parsed = new URL(url);
    return !(parsed.protocol === "https:" || (parsed.protocol === "http:" && isLoopback(parsed.hostname)));
  } catch {
    return true;
  }
}

/** A short, single-line excerpt of a body, for a message. */
export function excerpt(text: string, length = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}
