import type { Context } from "hono";
import { getCapabilitySnapshot } from "../card/snapshot.js";
import { serverInfo } from "../mcp/info.js";
import { canonicalOrigin } from "./origin-url.js";
import type { AppEnv } from "./types.js";
import { landingPage } from "./views/landing.js";

/** GET /: a human-readable page about this server. */
export async function serveLanding(c: Context<AppEnv>): Promise<Response> {
  const origin = canonicalOrigin(c.req.raw, c.var.config);
  const snapshot = await getCapabilitySnapshot(c.env);
  // The page names the origin. Without PUBLIC_URL that comes from the request's Host, which a
  // shared cache would hand to everyone: only the browser may keep it then.
  c.header("Cache-Control", `${c.var.config.publicUrl ? "public" : "private"}, max-age=300`);
  return c.html(
    landingPage({
      title: serverInfo.title,
      description: serverInfo.description,
      version: serverInfo.version,
      mcpUrl: `${origin}/mcp`,
      cardUrl: `${origin}/.well-known/mcp/server-card.json`,
      authRequired: c.var.config.auth === "oauth",
      tools: snapshot.tools,
    }),
  );
}
