import { html } from "hono/html";
import { type Html, page } from "./layout.js";

/** A browser's 404: what was asked for and the way back to the landing page. */
export function notFoundPage(v: { path: string; home: string }): Html {
  return page({
    title: "Not found",
    body: html`<h1>Nothing here</h1>
<p>There is no page at <code>${v.path}</code> on this server.</p>
<p><a href="${v.home}">See what this server offers and how to connect to it</a>.</p>`,
  });
}
