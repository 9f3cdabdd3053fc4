import { afterEach, describe, expect, it, vi } from "vitest";
import smithery from "./fixtures/smithery-connect-cimd.json";
import {
  authorizeUrl,
  Browser,
  codeFrom,
  handleFrom,
  initialize,
  MCP_URL,
  ORIGIN,
  PASSPHRASE,
  pkce,
  postConsent,
  rpc,
  tokenRequest,
} from "./helpers/oauth.js";

const SMITHERY_REDIRECT = smithery.redirect_uris[0]!;

/** Serves Client ID Metadata Documents at their URLs, as the client's own web server would. */
function serveDocuments(documents: Record<string, () => Response | Promise<Response>>) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    const serve = documents[url];
    if (!serve) throw new TypeError(`unexpected fetch in test: ${url}`);
    return serve();
  });
}

afterEach(() => vi.restoreAllMocks());

describe("CIMD: Smithery Connect's real document", () => {
  it("completes the whole flow: its cross-origin client_uri is accepted, its exact redirect URI used", async () => {
    const spy = serveDocuments({ [smithery.client_id]: () => Response.json(smithery) });
    const { verifier, challenge } = await pkce();
    const url = authorizeUrl({
      clientId: smithery.client_id,
      redirectUri: SMITHERY_REDIRECT,
      challenge,
      scope: "mcp profile",
    });
    const browser = new Browser();
    const page = await browser.fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Smithery Connect");
    expect(html).toContain("Published by <strong>connect.smithery.ai</strong>");
    expect(html).toContain(smithery.client_id);
    expect(html).toContain("<strong>connect.smithery.ai</strong>.</p>"); // where access goes
    expect(html).not.toContain("an app on your computer");
    expect(spy).toHaveBeenCalledWith(smithery.client_id, expect.anything());

    const redirect = await postConsent(browser, url, {
      handle: handleFrom(html),
      decision: "approve",
      passphrase: PASSPHRASE,
    });
    const back = new URL(redirect.headers.get("Location")!);
    expect(`${back.origin}${back.pathname}`).toBe(SMITHERY_REDIRECT);
    expect(back.searchParams.get("iss")).toBe(ORIGIN);

    const response = await tokenRequest({
      grant_type: "authorization_code",
      code: codeFrom(redirect),
      redirect_uri: SMITHERY_REDIRECT,
      client_id: smithery.client_id,
      code_verifier: verifier,
      resource: MCP_URL,
    });
    expect(response.status).toBe(200);
    const tokens = await response.json<{ access_token: string; refresh_token: string }>();
    expect((await rpc(initialize, tokens.access_token)).status).toBe(200);
    const list = await rpc({ jsonrpc: "2.0", id: 2, method: "tools/list" }, tokens.access_token);
    expect(list.status).toBe(200);

    const refreshed = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: smithery.client_id,
    });
    expect(refreshed.status).toBe(200);
  });
});

describe("CIMD failures: a clear error page, never a redirect to an unverified URI", () => {
  let n = 0;
  const clientUrl = () => `https://client${++n}.example.net/oauth/client.json`;
  const documentFor = (id: string, extra: Record<string, unknown> = {}) => ({
    client_id: id,
    client_name: "Some App",
    redirect_uris: ["https://client.example.net/callback"],
    ...extra,
  });

  async function attempt(clientId: string, redirectUri = "https://client.example.net/callback") {
    const { challenge } = await pkce();
    const response = await new Browser().fetch(authorizeUrl({ clientId, redirectUri, challenge }));
    return { response, html: await response.text() };
  }

  function expectErrorPage({ response, html }: { response: Response; html: string }, text: string | RegExp) {
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(html).toMatch(text);
  }

  it("a non-https client_id is not a metadata document, and no such client is registered", async () => {
    const spy = serveDocuments({});
    expectErrorPage(
      await attempt("http://client.example.net/oauth/client.json", "http://client.example.net/callback"),
      /Invalid client_id/,
    );
    expect(spy).not.toHaveBeenCalled();
  });

  it("a malformed client_id (no path) is refused without a fetch", async () => {
    const spy = serveDocuments({});
    expectErrorPage(await attempt("https://client.example.net"), /Invalid client_id|could not be verified/);
    expect(spy).not.toHaveBeenCalled();
  });

  it("a document whose client_id is not its URL", async () => {
    const id = clientUrl();
    serveDocuments({ [id]: () => Response.json(documentFor("https://elsewhere.example/client.json")) });
    expectErrorPage(await attempt(id), /could not be verified/);
  });

  it("a redirect_uri the document does not list", async () => {
    const id = clientUrl();
    serveDocuments({ [id]: () => Response.json(documentFor(id)) });
    expectErrorPage(await attempt(id, "https://evil.example/callback"), /Invalid redirect URI/);
  });

  it("a document that is too large", async () => {
    const id = clientUrl();
    serveDocuments({ [id]: () => Response.json(documentFor(id, { padding: "x".repeat(6 * 1024) })) });
    expectErrorPage(await attempt(id), /could not be verified/);
  });

  it("a document that is not JSON", async () => {
    const id = clientUrl();
    serveDocuments({ [id]: () => new Response("<html>hello</html>", { headers: { "Content-Type": "text/html" } }) });
    expectErrorPage(await attempt(id), /could not be verified/);
  });

  it("a document URL that answers 404", async () => {
    const id = clientUrl();
    serveDocuments({ [id]: () => new Response("not found", { status: 404 }) });
    expectErrorPage(await attempt(id), /could not be verified/);
  });

  it("a fetch that fails: the server's own words, not the runtime's", async () => {
    const id = clientUrl();
    serveDocuments({
      [id]: () => {
        throw new TypeError("Network connection lost.");
      },
    });
    const page = await attempt(id);
    expectErrorPage(page, /could not be verified[\s\S]*the server at that URL could not be reached/);
    expect(page.html).not.toContain("Network connection lost");
  });

  it("an open port, a closed one, a TLS failure, a timeout and a body cut short all read the same", async () => {
    const failures: Record<string, () => Response | Promise<Response>> = {
      "open port, no HTTP": () => {
        throw new TypeError("Network connection lost.");
      },
      "closed port": () => {
        throw new TypeError("fetch failed: connect ECONNREFUSED");
      },
      "TLS failure": () => {
        throw new Error("internal error; reference = 0123456789abcdef");
      },
      timeout: () => {
        throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      },
      "cut short": () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"client_id":'));
              controller.error(new TypeError("Network connection lost."));
            },
          }),
        ),
    };
    const pages = new Set<string>();
    for (const fail of Object.values(failures)) {
      const id = clientUrl();
      serveDocuments({ [id]: fail });
      const page = await attempt(id);
      expectErrorPage(page, /the server at that URL could not be reached/);
      pages.add(page.html.replaceAll(id, "<client id>"));
      vi.restoreAllMocks();
    }
    expect(pages.size).toBe(1);
  });

  it("a document nested deeper than 64 levels is refused before the provider parses it", async () => {
    const id = clientUrl();
    const deep = `${"[".repeat(1000)}${"]".repeat(1000)}`;
    const text = JSON.stringify(documentFor(id)).replace(/}$/, `,"extra":${deep}}`);
    serveDocuments({ [id]: () => new Response(text, { headers: { "Content-Type": "application/json" } }) });
    expectErrorPage(await attempt(id), /nests more than 64 levels deep/);
  });

  it("a fetch the runtime refuses, without its opaque internal text", async () => {
    const id = clientUrl();
    serveDocuments({
      [id]: () => {
        // What workerd says when global_fetch_strictly_public refuses an address.
        throw new Error("internal error; reference = 0123456789abcdef");
      },
    });
    const page = await attempt(id);
    expectErrorPage(page, /could not be reached/);
    expect(page.html).not.toContain("reference =");
  });

  it("escapes a hostile client_name from a document", async () => {
    const id = clientUrl();
    serveDocuments({ [id]: () => Response.json(documentFor(id, { client_name: "<script>alert(1)</script>" })) });
    const { response, html } = await attempt(id);
    expect(response.status).toBe(200);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("point 5: CIMD documents are fetched once per page view, bounded, and never through a redirect", () => {
  let n = 0;
  const clientUrl = () => `https://redirecting${++n}.example.net/oauth/client.json`;
  const documentFor = (id: string) => ({
    client_id: id,
    client_name: "Some App",
    redirect_uris: ["https://client.example.net/callback"],
  });

  async function open(clientId: string) {
    const { challenge } = await pkce();
    const response = await new Browser().fetch(
      authorizeUrl({ clientId, redirectUri: "https://client.example.net/callback", challenge }),
    );
    return { response, html: await response.text() };
  }

  it.each([
    ["to another path", (id: string) => `${id}.moved`],
    ["from https down to http", (id: string) => id.replace("https:", "http:")],
    ["to itself (a loop)", (id: string) => id],
  ])("a redirect %s is refused after one fetch, with a page that says why", async (_, target) => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const id = clientUrl();
    const seen: { url: string; redirect: RequestInit["redirect"] }[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      seen.push({ url, redirect: init?.redirect });
      // What the network does: follow unless told not to.
      if (init?.redirect === "manual") return new Response(null, { status: 302, headers: { Location: target(id) } });
      return Response.json(documentFor(id));
    });
    const { response, html } = await open(id);
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(html).toContain("redirects elsewhere");
    expect(seen).toEqual([{ url: id, redirect: "manual" }]);
  });

  it("a served document is fetched once for the whole page view, with a time limit", async () => {
    const id = clientUrl();
    const signals: (AbortSignal | null | undefined)[] = [];
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
      signals.push(init?.signal);
      // Not cacheable, so the provider would look it up again for each step of the page.
      return Response.json(documentFor(id), { headers: { "Cache-Control": "no-store" } });
    });
    const { response } = await open(id);
    expect(response.status).toBe(200);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
  });

  it("a document that never finishes is cut off: a page, not a hung request", { timeout: 20_000 }, async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const id = clientUrl();
    vi.spyOn(globalThis, "fetch").mockImplementation(
      (_input, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
        }),
    );
    const started = Date.now();
    const { response } = await open(id);
    expect(response.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(9000);
  });
});
