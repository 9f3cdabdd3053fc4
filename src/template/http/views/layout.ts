import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * The stylesheet of the public pages (landing, 404). Inline, and allowed by its hash in the
 * Content-Security-Policy (src/template/http/page.ts), so the policy needs no 'unsafe-inline'. No style=""
 * attributes anywhere: the hash does not cover them.
 */
export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #5f5f6b; --line: #e2e2e8; --code: #f4f4f7; --accent: #1d4ed8; }
* { box-sizing: border-box; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0; }
main { max-width: 52rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .3rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 2.4rem 0 .8rem; }
h3 { font-size: 1.05rem; margin: 0 0 .5rem; }
p { margin: .5rem 0; } a { color: var(--accent); }
.muted { color: var(--muted); }
code, pre { font: 13.5px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--code); border-radius: 5px; padding: .08rem .3rem; overflow-wrap: anywhere; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 8px; padding: .7rem .9rem; margin: .5rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; }
.snippet { display: flex; gap: .5rem; align-items: flex-start; margin: .5rem 0; }
.snippet pre { flex: 1; min-width: 0; margin: 0; }
.copy { flex: none; font: 600 13px system-ui, sans-serif; padding: .45rem .75rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--fg); cursor: pointer; }
.copy:hover, .copy:focus-visible { border-color: var(--accent); color: var(--accent); }
.endpoint pre { font-size: 15px; }
.box { border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem; margin: 1rem 0; }
.box > :first-child { margin-top: 0; } .box > :last-child { margin-bottom: 0; }
.note { background: #fff7e6; border-color: #ecc870; }
.signin { background: #eef4ff; border-color: #a9c2f5; }
.client { border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem; margin: .9rem 0; }
.client > :last-child { margin-bottom: 0; }
ol, ul { padding-left: 1.3rem; margin: .5rem 0; } li { margin: .25rem 0; }
.button { display: inline-block; font-weight: 600; text-decoration: none; padding: .45rem .9rem; border-radius: 7px; background: var(--accent); color: #fff; margin: .3rem .4rem .3rem 0; }
.tools li { overflow-wrap: anywhere; }
footer { margin-top: 3rem; font-size: .92rem; }
@media (max-width: 30rem) { main { padding: 1.5rem .9rem 3rem; } h1 { font-size: 1.55rem; } .client { padding: .8rem .8rem; } pre { padding: .6rem .7rem; }
  .snippet { flex-direction: column-reverse; align-items: flex-end; gap: .3rem; } .snippet pre { width: 100%; } }
`;

/** The frame of the public pages. `html` escapes every interpolated value; the style and script are constants. */
export function page(v: { title: string; body: Html; script?: string }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${v.title}</title>
<link rel="icon" href="data:,">
<style>${raw(PAGE_STYLE)}</style>
</head>
<body>
<main>
${v.body}
</main>
${v.script ? html`<script>${raw(v.script)}</script>` : ""}
</body>
</html>`;
}
