import type { Context } from "hono";
import { canonicalOrigin } from "../http/origin-url.js";
import type { AppEnv } from "../http/types.js";
import { buildServerCard, buildSmitheryCard } from "./server-card.js";

/** Smithery reads this one (SEP-1649's shape). */
export const SMITHERY_CARD_PATH = "/.well-known/mcp/server-card.json";
/** SEP-2127: next to the endpoint, and at the well-known path. */
export const MCP_SERVER_CARD_PATHS = ["/mcp/server-card", "/.well-known/mcp/server-card"] as const;
/** Every card path: all public, even with MCP_AUTH=oauth. */
export const SERVER_CARD_PATHS = [SMITHERY_CARD_PATH, ...MCP_SERVER_CARD_PATHS] as const;

type Kind = "smithery" | "mcp";
const MEDIA_TYPES: Record<Kind, string> = {
  smithery: "application/json; charset=utf-8",
  mcp: "application/mcp-server-card+json; charset=utf-8",
};

interface Rendered {
  body: string;
  etag: string;
}

// One rendering per card kind, auth mode and origin the isolate serves (workers.dev and a custom
// domain, say); bounded so a stream of odd Host headers cannot grow it.
const rendered = new Map<string, Promise<Rendered>>();
const MAX_RENDERINGS = 16;

const HEADERS = {
  "Cache-Control": "public, max-age=3600",
  // SEP-2127's CORS headers for discovery documents: any page may read the card.
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET",
  "Access-Control-Allow-Headers": "Content-Type",
};

/** GET Smithery's card: public, cacheable, revalidated with its ETag. */
export const serveSmitheryCard = (c: Context<AppEnv>) => serveCard(c, "smithery");
/** GET the SEP-2127 server card: public, cacheable, revalidated with its ETag. */
export const serveMcpServerCard = (c: Context<AppEnv>) => serveCard(c, "mcp");

async function serveCard(c: Context<AppEnv>, kind: Kind): Promise<Response> {
  const origin = canonicalOrigin(c.req.raw, c.var.config);
  // The card depends on the auth mode too: one isolate can see several env objects (tests do).
  const key = `${kind} ${c.var.config.auth} ${origin}`;
  let card = rendered.get(key);
  if (!card) {
    if (rendered.size >= MAX_RENDERINGS) rendered.clear();
    card = render(kind, origin, c);
    rendered.set(key, card);
    card.catch(() => rendered.delete(key));
  }
  const { body, etag } = await card;
  const headers = { ...HEADERS, "Content-Type": MEDIA_TYPES[kind], ETag: etag };
  if (matches(c.req.header("If-None-Match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(c.req.method === "HEAD" ? null : body, { headers });
}

async function render(kind: Kind, origin: string, c: Context<AppEnv>): Promise<Rendered> {
  // Loaded here, not at the top: the snapshot needs the MCP SDK, which a new isolate should only
  // evaluate when a request needs it (the rendered card is kept per origin).
  const { getCapabilitySnapshot } = await import("./snapshot.js");
  const snapshot = await getCapabilitySnapshot(c.env);
  const card =
    kind === "smithery"
      ? buildSmitheryCard(snapshot, c.var.config)
      : buildServerCard(snapshot, `${origin}/mcp`, c.var.config);
  const body = JSON.stringify(card, null, 2);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const etag = `"${btoa(String.fromCharCode(...new Uint8Array(digest).slice(0, 16))).replace(/=+$/, "")}"`;
  return { body, etag };
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === "*" || header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}
