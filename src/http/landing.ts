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
  c.header("Cache-Control", "public, max-age=300");
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
