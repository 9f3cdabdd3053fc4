import type { Context } from "hono";
import { serverInfo } from "../../server/info.js";
import { getCapabilitySnapshot } from "../card/snapshot.js";
import { isLoopback } from "../loopback.js";
import { ROUTES } from "../routes.js";
import type { AppEnv } from "../types.js";
import { clientSnippets, signInFor } from "./connect.js";
import { htmlPage } from "./page.js";
import { COPY_SCRIPT, landingPage } from "./views/landing.js";
import { mcpEndpointPage } from "./views/mcp-endpoint.js";
import { notFoundPage } from "./views/not-found.js";

/** GET /: what this server is and how to connect each client to it. */
export async function serveLanding(c: Context<AppEnv>): Promise<Response> {
  const { config, origin } = c.var;
  const mcpUrl = `${origin}${ROUTES.mcp}`;
  const snapshot = await getCapabilitySnapshot(c.env);
  return htmlPage(
    landingPage({
      title: serverInfo.title,
      description: serverInfo.description,
      version: serverInfo.version,
      mcpUrl,
      cardUrl: `${origin}${ROUTES.smitheryCard}`,
      local: isLoopback(new URL(origin).hostname),
      signIn: signInFor(config, origin),
      clients: clientSnippets(serverInfo.name, mcpUrl),
      tools: snapshot.tools,
    }),
    {
      script: COPY_SCRIPT,
      // Without PUBLIC_URL the page carries the request's own host: no shared cache may keep it
      // and hand it to a request for another host.
      cacheControl: config.publicUrl ? "public, max-age=300" : "private, max-age=300",
    },
  );
}

/** A browser's 404 (API clients get JSON from the router: the answer varies on Accept). */
export function serveNotFound(c: Context<AppEnv>): Promise<Response> {
  const path = c.req.path.length > 200 ? `${c.req.path.slice(0, 200)}…` : c.req.path;
  return htmlPage(notFoundPage({ path, home: ROUTES.landing }), {
    status: 404,
    cacheControl: "no-store",
    vary: "Accept",
  });
}

/**
 * A browser's GET /mcp: a page saying this is an MCP endpoint and how to connect, with the status
 * and headers a client gets (405 and `Allow` here; with OAuth the gateway answers 401 and takes
 * this page for its body, src/template/auth/gateway.ts).
 */
export function serveMcpEndpointPage(c: Context<AppEnv>): Promise<Response> {
  const { config, origin } = c.var;
  return htmlPage(
    mcpEndpointPage({
      title: serverInfo.title,
      mcpUrl: `${origin}${ROUTES.mcp}`,
      oauth: config.auth === "oauth",
      home: ROUTES.landing,
    }),
    { status: 405, cacheControl: "no-store", vary: "Accept" },
  );
}
