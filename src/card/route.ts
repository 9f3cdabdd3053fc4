import type { Context } from "hono";
import { canonicalOrigin } from "../http/origin-url.js";
import type { AppEnv } from "../http/types.js";
import { buildServerCard } from "./server-card.js";

// Smithery reads the .json name; SEP-2127 names /.well-known/mcp/server-card; some clients look
// next to the endpoint.
export const SERVER_CARD_PATHS = [
  "/.well-known/mcp/server-card.json",
  "/.well-known/mcp/server-card",
  "/mcp/server-card",
] as const;

interface Rendered {
  body: string;
  etag: string;
}

// One rendering per origin the isolate serves (workers.dev and a custom domain, say); bounded so
// a stream of odd Host headers cannot grow it.
const rendered = new Map<string, Promise<Rendered>>();
const MAX_ORIGINS = 8;

const HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "public, max-age=3600",
  // SEP-2127's CORS headers for discovery documents: any page may read the card.
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET",
  "Access-Control-Allow-Headers": "Content-Type",
};

/** GET the server card: public, cacheable, revalidated with its ETag. */
export async function serveServerCard(c: Context<AppEnv>): Promise<Response> {
  const origin = canonicalOrigin(c.req.raw, c.var.config);
  // The card depends on the auth mode too: one isolate can see several env objects (tests do).
  const key = `${c.var.config.auth} ${origin}`;
  let card = rendered.get(key);
  if (!card) {
    if (rendered.size >= MAX_ORIGINS) rendered.clear();
    card = render(c.env, origin, c);
    rendered.set(key, card);
    card.catch(() => rendered.delete(key));
  }
  const { body, etag } = await card;
  // The card names the origin; without PUBLIC_URL it comes from the request's Host, which a
  // shared cache must not hand to others.
  const cache = c.var.config.publicUrl ? HEADERS["Cache-Control"] : "private, max-age=3600";
  const headers = { ...HEADERS, "Cache-Control": cache, ETag: etag };
  if (matches(c.req.header("If-None-Match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(c.req.method === "HEAD" ? null : body, { headers });
}

async function render(env: Env, origin: string, c: Context<AppEnv>): Promise<Rendered> {
  // Loaded here, not at the top: the snapshot needs the MCP SDK, which a new isolate should only
  // evaluate when a request needs it (the rendered card is kept per origin).
  const { getCapabilitySnapshot } = await import("./snapshot.js");
  const snapshot = await getCapabilitySnapshot(env);
  const body = JSON.stringify(buildServerCard(snapshot, `${origin}/mcp`, c.var.config), null, 2);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const etag = `"${btoa(String.fromCharCode(...new Uint8Array(digest).slice(0, 16))).replace(/=+$/, "")}"`;
  return { body, etag };
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === "*" || header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}
