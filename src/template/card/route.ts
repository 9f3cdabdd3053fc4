import type { Context } from "hono";
import { base64, sha256 } from "../encoding.js";
import { memo } from "../memo.js";
import { ROUTES } from "../routes.js";
import type { AppEnv } from "../types.js";
import { buildServerCard, buildSmitheryCard } from "./server-card.js";

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
// domain, say; one isolate can see several env objects, tests do); bounded so a stream of odd
// Host headers cannot grow it.
const rendered = memo(render, {
  key: (kind, origin, c) => `${kind} ${c.get("config").auth} ${origin}`,
  max: 16,
});

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
  const { body, etag } = await rendered(kind, c.get("origin"), c);
  // The SEP-2127 card names the origin; without PUBLIC_URL it comes from the request's Host, which
  // a shared cache must not hand to others. Smithery's card names no origin.
  const namesHost = kind !== "smithery" && !c.get("config").publicUrl;
  const cache = namesHost ? "private, max-age=3600" : HEADERS["Cache-Control"];
  const headers = { ...HEADERS, "Cache-Control": cache, "Content-Type": MEDIA_TYPES[kind], ETag: etag };
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
      ? buildSmitheryCard(snapshot, c.get("config"))
      : buildServerCard(snapshot, `${origin}${ROUTES.mcp}`, c.get("config"));
  const body = JSON.stringify(card, null, 2);
  // The first 128 bits of the hash, unpadded base64: unique enough for one card's versions.
  const etag = `"${base64((await sha256(body)).subarray(0, 16)).replace(/=+$/, "")}"`;
  return { body, etag };
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === "*" || header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}
