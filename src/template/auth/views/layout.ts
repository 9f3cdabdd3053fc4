import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * The stylesheet of every OAuth page. Inline, and allowed by its hash in the
 * Content-Security-Policy (../pages.ts), so the policy needs no 'unsafe-inline'. No style=""
 * attributes anywhere: the hash does not cover them.
 */
export const AUTH_PAGE_STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem; color: #1d1d1f; }
  h1 { font-size: 1.4rem; line-height: 1.3; margin-bottom: .5rem; overflow-wrap: anywhere; }
  code { font: 14px ui-monospace, monospace; background: #f3f3f5; border-radius: 6px; padding: .1rem .3rem; overflow-wrap: anywhere; }
  .muted { color: #6b6b76; } .box { border: 1px solid #ddd; border-radius: 8px; padding: .8rem 1rem; margin: 1rem 0; }
  .box > :first-child { margin-top: 0; } .box > :last-child { margin-bottom: 0; }
  .warn { background: #fff6e0; border-color: #e8c36a; } .error { background: #fdecec; border-color: #e59a9a; }
  .dev { background: #e9f2ff; border-color: #8bb4f0; }
  ul { padding-left: 1.2rem; } li { margin: .2rem 0; }
  label { display: block; margin: .8rem 0 .3rem; font-weight: 600; }
  input[type=password], input[type=text] { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; border: 1px solid #bbb; border-radius: 6px; }
  input.code { font: 600 1.25rem/1.2 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; letter-spacing: .12em; text-transform: uppercase; max-width: 16rem; }
  input:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 1px; border-color: #1d4ed8; }
  .actions { display: flex; gap: .8rem; margin-top: 1.2rem; }
  button { font: inherit; padding: .5rem 1.2rem; border-radius: 6px; border: 1px solid #888; background: #fff; cursor: pointer; }
  button.primary { background: #1d4ed8; border-color: #1d4ed8; color: #fff; }
`;

/** The frame every OAuth page shares. `html` escapes every interpolated value. */
export function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${raw(AUTH_PAGE_STYLE)}</style>
</head>
<body>
${body}
</body>
</html>`;
}
