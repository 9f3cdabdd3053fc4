import { AsyncLocalStorage } from "node:async_hooks";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../json-depth.js";
import { readBounded } from "../../read-bounded.js";

/**
 * Client ID Metadata Documents are fetched by @cloudflare/workers-oauth-provider (1.2.3) with a
 * plain `fetch`, which follows redirects (to another path, from https down to http, round a loop
 * 20 times), and once for each lookup of the client during one page view. The CIMD draft says an
 * authorization server must not follow redirects for these documents. The provider has no option
 * for it, so its outbound requests (recognised by the User-Agent it always sends) go through this
 * wrapper: redirects are not followed (the provider then refuses the 3xx as a failed fetch), the
 * time, size and nesting are bounded, every way of not getting an answer is reported in one
 * sentence of this server's (UNREACHABLE), and within one incoming request each URL is fetched once.
 */
const PROVIDER_AGENT = "workers-oauth-provider/";
const TIMEOUT_MS = 5000;
const MAX_BYTES = 16 * 1024; // the provider refuses documents over 5 KiB; this bounds what is buffered

/**
 * What the consent page says when no answer came: refused, reset, a TLS failure, an address the
 * runtime will not fetch, or a timeout. The runtime words these differently ("Network connection
 * lost.", "internal error; reference = …"), and showing its words would let anyone use the page
 * to tell an open port from a closed one.
 */
export const UNREACHABLE = "the server at that URL could not be reached";

interface Fetched {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: ArrayBuffer;
}

const pageView = new AsyncLocalStorage<Map<string, Promise<Fetched>>>();
const GUARD = Symbol.for("mcp-template.cimd-guard");

/** Runs `fn` as one page view: the provider's fetches inside it share one answer per URL. */
export function asOnePageView<T>(fn: () => Promise<T>): Promise<T> {
  installGuard();
  return pageView.run(new Map(), fn);
}

/**
 * Wraps whatever `fetch` is current. Checked on every request rather than once at start-up,
 * because tests replace `globalThis.fetch` with spies; a wrapper never wraps another wrapper.
 */
export function installGuard(): void {
  const inner = globalThis.fetch as typeof fetch & { [GUARD]?: true };
  if (inner[GUARD]) return;
  const guarded = ((input: RequestInfo | URL, init?: RequestInit) => {
    const agent = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get(
      "User-Agent",
    );
    if (!agent?.startsWith(PROVIDER_AGENT)) return inner(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const memo = pageView.getStore();
    let hit = memo?.get(url);
    if (!hit) {
      hit = fetchOnce(inner, input, init);
      memo?.set(url, hit);
    }
    return hit.then(
      (f: Fetched) => new Response(f.body, { status: f.status, statusText: f.statusText, headers: f.headers }),
    );
  }) as typeof fetch & { [GUARD]?: true };
  guarded[GUARD] = true;
  globalThis.fetch = guarded;
}

async function fetchOnce(inner: typeof fetch, input: RequestInfo | URL, init?: RequestInit): Promise<Fetched> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  try {
    return await bounded(await inner(input, { ...init, redirect: "manual", signal }));
  } catch (error) {
    if (error instanceof UnusableDocument) throw error;
    throw new Error(UNREACHABLE);
  }
}

class UnusableDocument extends Error {}

/** The answer as the provider will see it: no redirect followed, at most MAX_BYTES, bounded nesting. */
async function bounded(response: Response): Promise<Fetched> {
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    // Refused by the provider as "HTTP 3xx"; the consent page explains what that means.
    return { status: response.status, statusText: "Redirect not followed", headers: [], body: new ArrayBuffer(0) };
  }
  const declared = Number(response.headers.get("Content-Length"));
  if (declared > MAX_BYTES) {
    await response.body?.cancel();
    return { status: 413, statusText: "Too large", headers: [], body: new ArrayBuffer(0) };
  }
  const body = await readBounded(response.body, MAX_BYTES);
  if (!body) return { status: 413, statusText: "Too large", headers: [], body: new ArrayBuffer(0) };
  // The provider parses it and then reads it field by field; bounded all the same, as all JSON from outside is.
  if (nestsDeeperThan(new TextDecoder().decode(body))) {
    throw new UnusableDocument(`the document nests more than ${MAX_JSON_DEPTH} levels deep`);
  }
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body: body.buffer,
  };
}
