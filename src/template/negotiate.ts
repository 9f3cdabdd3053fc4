/**
 * Whether a request asks for HTML before JSON: a browser's navigation (`Accept: text/html,…`)
 * gets a page, while API clients — which send `application/json`, `*\/*` or nothing — keep the
 * JSON answer. Only an explicit `text/html` counts, and a tie goes to JSON; a wildcard never turns
 * an answer into a page.
 */
export function prefersHtml(accept: string | null | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.slice(0, 1024).split(",")) {
    const [type = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q) || 0;
    if (type === "text/html" || type === "application/xhtml+xml") html = Math.max(html, weight);
    if (type === "application/json" || type.endsWith("+json")) json = Math.max(json, weight);
  }
  return html > json;
}
