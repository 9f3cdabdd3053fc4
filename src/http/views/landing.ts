import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export interface LandingView {
  title: string;
  description: string;
  version: string;
  mcpUrl: string;
  cardUrl: string;
  authRequired: boolean;
  tools: { name: string; title?: string; description?: string }[];
}

/** The page at `/`: what this server is and how to connect. Every value is escaped by `html`. */
export function landingPage(v: LandingView): HtmlEscapedString | Promise<HtmlEscapedString> {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${v.title}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1d1d1f; }
  code, pre { font: 14px ui-monospace, monospace; background: #f3f3f5; border-radius: 6px; }
  code { padding: .1rem .3rem; } pre { padding: .8rem 1rem; overflow-x: auto; }
  h1 { line-height: 1.2; margin-bottom: .2rem; } .muted { color: #6b6b76; }
  li { margin: .3rem 0; }
</style>
</head>
<body>
<h1>${v.title}</h1>
<p class="muted">v${v.version} · Model Context Protocol server</p>
<p>${v.description}</p>

<h2>Connect</h2>
<p>MCP endpoint (Streamable HTTP): <code>${v.mcpUrl}</code></p>
<p>${
    v.authRequired
      ? "Sign-in is required: your MCP client discovers this server's OAuth settings and opens a consent page."
      : "No sign-in is required."
  }</p>
<pre>npx @modelcontextprotocol/inspector</pre>
<p>then choose <em>Streamable HTTP</em> and paste the endpoint above.</p>

<h2>Tools</h2>
<ul>
${v.tools.map((t) => html`<li><code>${t.name}</code> — ${t.description ?? t.title ?? ""}</li>`)}
</ul>
<p class="muted">Machine-readable description: <a href="${v.cardUrl}">server card</a>.</p>
</body>
</html>`;
}
