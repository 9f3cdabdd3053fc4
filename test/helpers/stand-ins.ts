import { type Handler, Hono, type MiddlewareHandler } from "hono";
import type { Fetch } from "../../scripts/preflight/http.ts";

/**
 * Small servers for the preflight to scan: a well-behaved one (with or without OAuth) whose routes
 * a test replaces one at a time to misbehave the way real deployments do.
 */
export const ORIGIN = "https://mcp.example.com";
export const MCP_URL = `${ORIGIN}/mcp`;
export const PRM_URL = `${ORIGIN}/.well-known/oauth-protected-resource/mcp`;
export const GOOD_TOKEN = "good-token";

/** Every check, in order, of a scan that finds nothing wrong with a server behind OAuth. */
export const CLEAN_OAUTH_SCAN = [
  ["target.https", "pass"],
  ["mcp.endpoint", "pass"],
  ["oauth.protected-resource", "pass"],
  ["oauth.root-metadata", "pass"],
  ["oauth.authorization-server", "pass"],
  ["oauth.pkce", "pass"],
  ["oauth.cimd", "pass"],
  ["oauth.registration", "pass"],
  ["mcp.tools", "skip"],
  ["card.reachable", "pass"],
  ["card.json", "pass"],
  ["card.server-info", "pass"],
  ["card.tools", "pass"],
  ["card.lists", "pass"],
  ["card.auth", "pass"],
  ["card.cors", "pass"],
  ["health", "pass"],
];

export interface Routes {
  /** POST /mcp. */
  mcp?: Handler;
  prm?: Handler;
  rootPrm?: Handler;
  asMetadata?: Handler;
  card?: Handler;
  /** GET /health (this template's health check). */
  health?: Handler;
  /** Runs before every route: a CDN or WAF in front of the server. */
  edge?: MiddlewareHandler;
}

const TOOL = {
  name: "echo",
  description: "Echo a message",
  inputSchema: { type: "object", properties: { message: { type: "string" } } },
};

export const prmDocument = { resource: MCP_URL, authorization_servers: [ORIGIN], bearer_methods_supported: ["header"] };
export const asDocument = {
  issuer: ORIGIN,
  authorization_endpoint: `${ORIGIN}/authorize`,
  token_endpoint: `${ORIGIN}/token`,
  registration_endpoint: `${ORIGIN}/register`,
  code_challenge_methods_supported: ["S256"],
  client_id_metadata_document_supported: true,
};
export const card = (required: boolean) => ({
  serverInfo: { name: "stand-in", version: "1.0.0" },
  authentication: { required, schemes: required ? ["oauth2"] : [] },
  tools: [TOOL],
  resources: [],
  prompts: [],
});

/** A minimal MCP server: initialize, notifications, tools/list, as JSON (or SSE when asked). */
export function mcpHandler({ sse = false, tools = [TOOL] as unknown[] } = {}): Handler {
  return async (c) => {
    const message = (await c.req.json()) as { id?: number; method: string };
    if (message.id === undefined) return c.body(null, 202);
    const result =
      message.method === "initialize"
        ? {
            protocolVersion: "2025-11-25",
            capabilities: { tools: {} },
            serverInfo: { name: "stand-in", version: "1.0.0" },
          }
        : message.method === "tools/list"
          ? { tools }
          : undefined;
    const answer = result
      ? { jsonrpc: "2.0", id: message.id, result }
      : { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } };
    if (!sse) return c.json(answer);
    // A progress notification first, as servers may send before the answer.
    const notice = { jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "hi" } };
    const body = `event: message\ndata: ${JSON.stringify(notice)}\n\nevent: message\ndata: ${JSON.stringify(answer)}\n\n`;
    return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
  };
}

const challenge401: Handler = (c) =>
  c.json({ error: "invalid_token" }, 401, {
    "WWW-Authenticate": `Bearer realm="OAuth", resource_metadata="${PRM_URL}"`,
  });

/** Requires a token on /mcp: 401 with resource_metadata, unless it carries GOOD_TOKEN. */
const oauthMcp: Handler = async (c, next) => {
  if (c.req.header("Authorization") === `Bearer ${GOOD_TOKEN}`) return mcpHandler()(c, next);
  if (c.req.header("Authorization")) {
    return c.json({ error: "invalid_token" }, 401, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
  }
  return challenge401(c, next);
};

function build(defaults: Required<Omit<Routes, "edge">>, routes: Routes): Fetch {
  const r = { ...defaults, ...routes };
  const app = new Hono();
  if (r.edge) app.use(r.edge);
  app.post("/mcp", r.mcp);
  app.get("/.well-known/oauth-protected-resource/mcp", r.prm);
  app.get("/.well-known/oauth-protected-resource", r.rootPrm);
  app.get("/.well-known/oauth-authorization-server", r.asMetadata);
  app.get("/.well-known/mcp/server-card.json", r.card);
  app.get("/health", r.health);
  return (url, init) => Promise.resolve(app.fetch(new Request(url, init)));
}

const json =
  (body: unknown): Handler =>
  (c) =>
    c.json(body, 200, { "Access-Control-Allow-Origin": "*" });

/** GET /health as this template answers it when all is well. */
const healthy: Handler = (c) =>
  c.json({ status: "ok", version: "1.0.0", auth: "oauth", protocolRevisions: ["2025-11-25"] }, 200, {
    "Cache-Control": "no-store",
  });

/** A server behind OAuth that does everything right. */
export function oauthServer(routes: Routes = {}): Fetch {
  return build(
    {
      mcp: oauthMcp,
      prm: json(prmDocument),
      rootPrm: json(prmDocument),
      asMetadata: json(asDocument),
      card: json(card(true)),
      health: healthy,
    },
    routes,
  );
}

/** A public server (no sign-in) that does everything right. */
export function openServer(routes: Routes = {}): Fetch {
  const notFound: Handler = (c) => c.json({ error: "not_found" }, 404);
  return build(
    {
      mcp: mcpHandler(),
      prm: notFound,
      rootPrm: notFound,
      asMetadata: notFound,
      card: json(card(false)),
      health: healthy,
    },
    routes,
  );
}

/** Cloudflare's managed challenge, as Bot Fight Mode serves it to a bot it does not trust. */
export const challengePage = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>
<body><div class="main-wrapper"><h1>mcp.example.com</h1><p>Verifying you are human. This may take a few seconds.</p>
<script>(function(){window._cf_chl_opt={cvId:'3',cType:'managed'};var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1';document.head.appendChild(a);}());</script></div></body></html>`;

/** Cloudflare's block page for a WAF custom rule (error 1020). */
export const blockPage = `<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>
<body><h1>Sorry, you have been blocked</h1><h2>You are unable to access mcp.example.com</h2>
<span class="cf-error-code">1020</span><p>Access denied</p></body></html>`;

/** Bot Fight Mode in front of the server: bots by User-Agent get the challenge. */
export function botFightMode({ header = true } = {}): MiddlewareHandler {
  return async (c, next) => {
    if (!c.req.header("User-Agent")?.includes("SmitheryBot")) return next();
    const headers: Record<string, string> = {
      "Content-Type": "text/html; charset=UTF-8",
      Server: "cloudflare",
      "CF-RAY": "8f0000000000-LHR",
    };
    if (header) headers["cf-mitigated"] = "challenge";
    return new Response(challengePage, { status: 403, headers });
  };
}
