import { base64, sha256 } from "../encoding.js";
import { memo } from "../memo.js";
import { type Html, PAGE_STYLE } from "./views/layout.js";

/**
 * An HTML answer from the public pages (landing, 404) with a strict Content-Security-Policy: no
 * source but the page's own inline stylesheet and (the landing's) copy script, each allowed by its
 * SHA-256 hash rather than 'unsafe-inline'; nothing fetched, no forms, no framing. (The router's
 * secure-headers add what every answer carries, src/template/http/app.ts.)
 */
export async function htmlPage(
  body: Html,
  {
    status = 200,
    cacheControl,
    script,
    vary,
  }: { status?: number; cacheControl: string; script?: string; vary?: string },
): Promise<Response> {
  const style = await hashOf(PAGE_STYLE);
  const scriptSrc = script ? `'${await hashOf(script)}'` : "'none'";
  return new Response(String(await body), {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": `default-src 'none'; script-src ${scriptSrc}; style-src '${style}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      "Cache-Control": cacheControl,
      ...(vary ? { Vary: vary } : {}),
    },
  });
}

// The page texts are constants: each is hashed once per isolate.
const hashOf = memo(async (text: string): Promise<string> => {
  return `sha256-${base64(await sha256(text))}`;
});
