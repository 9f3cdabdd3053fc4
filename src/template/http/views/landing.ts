import { html } from "hono/html";
import type { ClientSnippets, SignIn } from "../connect.js";
import { type Html, page } from "./layout.js";

export interface LandingView {
  title: string;
  description: string;
  version: string;
  mcpUrl: string;
  cardUrl: string;
  /** The endpoint is on this machine: cloud-hosted clients (Claude, ChatGPT) cannot reach it. */
  local: boolean;
  signIn: SignIn;
  clients: ClientSnippets;
  tools: { name: string; title?: string; description?: string }[];
}

/**
 * The page's only script: it shows the Copy buttons (hidden without script) and copies the text of
 * the element a button names. Allowed by its hash in the Content-Security-Policy (src/template/http/page.ts).
 */
export const COPY_SCRIPT = `for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent);
      button.textContent = "Copied";
    } catch {
      getSelection().selectAllChildren(source);
      button.textContent = "Selected";
    }
    setTimeout(() => { button.textContent = "Copy"; }, 1500);
  });
}`;

/** A block of text with a Copy button; `id` must be unique on the page. */
function snippet(id: string, text: string, label: string) {
  return html`<div class="snippet"><pre><code id="${id}">${text}</code></pre><button type="button" class="copy" data-copy="${id}" aria-label="Copy ${label}" hidden>Copy</button></div>`;
}

/** The page at `/`: what this server is and how to connect any client to it. Every value is escaped by `html`. */
export function landingPage(v: LandingView): Html {
  const c = v.clients;
  const oauth = v.signIn.kind !== "none";

  const body = html`<header>
<h1>${v.title}</h1>
<p class="muted">v${v.version} · Model Context Protocol server</p>
<p>${v.description}</p>
</header>

<section class="endpoint" aria-labelledby="endpoint">
<h2 id="endpoint">Endpoint</h2>
<p>Streamable HTTP. Give this URL to any MCP client:</p>
${snippet("url", v.mcpUrl, "the endpoint URL")}
<div class="box signin"><p><strong>Sign-in.</strong> ${v.signIn.summary}</p></div>
</section>

<section aria-labelledby="clients">
<h2 id="clients">Connect a client</h2>
${
  v.local
    ? html`<p class="box note">This URL is on your machine, which is fine for the clients you run here. Claude and ChatGPT connect from their own servers: give them the https URL of a deployed server (<code>npm run deploy</code>).</p>`
    : ""
}

<div class="client">
<h3>Claude Code</h3>
${snippet("claude-code", c.claudeCode, "the Claude Code command")}
${oauth ? html`<p>Then run <code>/mcp</code> in Claude Code, pick <code>${c.name}</code> and sign in.</p>` : ""}
${signInLooks(oauth, html`Claude Code opens your browser on this server's consent page, which names <strong>Claude Code</strong>, published by <strong>claude.ai</strong>; approving sends the sign-in back to Claude Code on <code>http://localhost:&lt;port&gt;/callback</code>.`)}
</div>

<div class="client">
<h3>Claude (claude.ai and the desktop app)</h3>
<ol>
<li>Open <strong>Settings → Connectors</strong> (<strong>Customize → Connectors</strong> in newer versions) and choose <strong>Add custom connector</strong>. Connectors are added on the web or in the desktop app.</li>
<li>Name it <code>${v.title}</code> and paste the endpoint URL above as the remote MCP server URL.</li>
<li>Choose <strong>Add</strong>${oauth ? html`, then <strong>Connect</strong> to sign in` : ""}.</li>
</ol>
<p class="muted">On Team and Enterprise plans an Owner adds the connector first; each member then connects.</p>
${signInLooks(oauth, html`<strong>Connect</strong> opens this server's consent page, which names <strong>Claude</strong>, published by <strong>claude.ai</strong>; approving sends you back to <code>claude.ai</code>. Claude may check in again before calls without keeping a session: its tools work, without MCP App views or questions in the middle of a call.`)}
</div>

<div class="client">
<h3>ChatGPT</h3>
<ol>
<li>Open <strong>Settings → Apps → Advanced settings</strong> and turn on <strong>Developer mode</strong>.</li>
<li>In <strong>Settings → Apps</strong>, choose <strong>Create app</strong>.</li>
<li>Give it a name, paste the endpoint URL above as the <strong>MCP Server URL</strong>, set <strong>Authentication</strong> to <strong>${oauth ? "OAuth" : "No authentication"}</strong>, confirm that you trust the app and choose <strong>Create</strong>.</li>
</ol>
${signInLooks(oauth, html`ChatGPT opens this server's consent page, which names <strong>ChatGPT</strong>, published by <strong>chatgpt.com</strong>; approving sends you back to <code>chatgpt.com</code>.`)}
</div>

<div class="client">
<h3>Cursor</h3>
<p><a class="button" href="${c.cursorInstallUrl}">Add to Cursor</a></p>
<p>Or add it to <code>.cursor/mcp.json</code> in a project (or <code>~/.cursor/mcp.json</code> for every project):</p>
${snippet("cursor-json", c.cursorJson, "the Cursor mcp.json")}
${signInLooks(oauth, html`Cursor registers itself (the consent page says its name is not verified) and opens your browser; approving sends the sign-in to Cursor on <code>http://localhost:8787/callback</code>, or through <code>cursor://</code> links in builds that use them (the page then names the app that opens those links).`)}
</div>

<div class="client">
<h3>VS Code</h3>
<p><a class="button" href="${c.vscodeInstallUrl}">Install in VS Code</a></p>
<p>Or from a terminal:</p>
${snippet("vscode-command", c.vscodeCommand, "the VS Code command")}
<p>Or in <code>.vscode/mcp.json</code> of a workspace:</p>
${snippet("vscode-json", c.vscodeJson, "the VS Code mcp.json")}
${signInLooks(oauth, html`VS Code asks to sign in, then opens this server's consent page, which names <strong>Visual Studio Code</strong>, published by <strong>vscode.dev</strong>; approving sends the sign-in back to VS Code on <code>http://127.0.0.1:33418/</code>.`)}
</div>

<div class="client">
<h3>MCP Inspector</h3>
${snippet("inspector", c.inspector, "the Inspector command")}
<p>It opens in your browser with this server filled in: choose <strong>Connect</strong>${oauth ? ", and sign in when asked" : ""}. Without a browser, list the tools from a terminal:</p>
${snippet("inspector-cli", c.inspectorCli, "the Inspector CLI command")}
${signInLooks(oauth, html`The Inspector registers itself as <strong>MCP Inspector</strong> (the consent page says its name is not verified); approving sends the sign-in back to it on <code>http://localhost:6274/oauth/callback</code>.`)}
</div>
</section>

<section aria-labelledby="tools">
<h2 id="tools">Tools</h2>
${
  v.tools.length
    ? html`<ul class="tools">
${v.tools.map((t) => html`<li><code>${t.name}</code> — ${t.description ?? t.title ?? ""}</li>`)}
</ul>`
    : html`<p class="muted">No tools yet.</p>`
}
</section>

<footer class="muted">Machine-readable description: <a href="${v.cardUrl}">server card</a>.</footer>`;
  return page({ title: v.title, body, script: COPY_SCRIPT });
}

/**
 * What a client's sign-in looks like, so a person recognises the consent page and where it sends
 * them (test/fixtures/clients/ records what each client really sends; test/landing.test.ts checks
 * these lines against it).
 */
function signInLooks(oauth: boolean, text: Html) {
  return oauth ? html`<p class="muted sign-in-looks">${text}</p>` : "";
}
