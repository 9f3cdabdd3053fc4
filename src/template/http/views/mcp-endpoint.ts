import { html } from "hono/html";
import { type Html, page } from "./layout.js";

export interface McpEndpointView {
  title: string;
  mcpUrl: string;
  /** Whether clients sign in (MCP_AUTH=oauth) before the endpoint answers them. */
  oauth: boolean;
  home: string;
}

/**
 * What a browser that opens /mcp is shown: this is an endpoint for MCP clients, and how to connect
 * one. The status stays what a client gets (401 with OAuth, 405 without); only the body differs.
 */
export function mcpEndpointPage(v: McpEndpointView): Html {
  return page({
    title: `${v.title}: MCP endpoint`,
    body: html`<h1>This is an MCP endpoint</h1>
<p><code>${v.mcpUrl}</code> is where MCP clients (Claude, ChatGPT, Cursor, VS Code, the MCP Inspector,
agents) reach <strong>${v.title}</strong>. It speaks JSON-RPC over HTTP POST (Streamable HTTP): a
browser opening it has nothing to show.</p>
${
  v.oauth
    ? html`<p>Add this URL to your MCP client as a remote server. The client signs you in through this
server's consent page (OAuth) and sends its token with every request; without one, the endpoint
answers <code>401</code>, as it did for this page.</p>`
    : html`<p>Add this URL to your MCP client as a remote server (Streamable HTTP); it needs no sign-in.</p>`
}
<p><a href="${v.home}">How to connect each client</a>, step by step.</p>`,
  });
}
