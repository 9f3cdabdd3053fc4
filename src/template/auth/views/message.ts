import { html } from "hono/html";
import { layout } from "./layout.js";

export interface MessageView {
  title: string;
  message: string;
  /** A command or setting to show as code (e.g. the secret to set). */
  code?: string;
  /** What the person can do next, one line each. */
  steps?: string[];
  hint?: string;
}

/** A page that explains why the flow stopped here instead of redirecting anywhere. */
export function messagePage(v: MessageView) {
  return layout(
    v.title,
    html`<h1>${v.title}</h1>
<p>${v.message}</p>
${v.code ? html`<p><code>${v.code}</code></p>` : ""}
${v.steps?.length ? html`<ul>${v.steps.map((step) => html`<li>${step}</li>`)}</ul>` : ""}
${v.hint ? html`<p class="muted">${v.hint}</p>` : ""}`,
  );
}
