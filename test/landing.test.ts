import { describe, expect, it } from "vitest";
import { serverInfo } from "../src/server/info.js";
import { base64, sha256 } from "../src/template/encoding.js";
import { clientSnippets } from "../src/template/http/connect.js";
import { prefersHtml } from "../src/template/negotiate.js";
import { CLIENTS, type ClientFixture, documentOf } from "./helpers/client-fixtures.js";
import { logged } from "./helpers/console.js";
import { OPEN } from "./helpers/http.js";
import { PASSPHRASE } from "./helpers/oauth.js";
import { fetchWorker } from "./helpers/worker.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const NAME = serverInfo.name;

/** The landing page at `url` as a browser gets it. */
async function landing(url: string, vars: Record<string, string> = OPEN) {
  const response = await fetchWorker(url, { headers: { Accept: BROWSER } }, vars);
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
  return { response, html: await response.text() };
}

/** The text of the element with this id, as the Copy button copies it (entities decoded). */
function textOf(html: string, id: string): string {
  const match = new RegExp(`<code id="${id}">([\\s\\S]*?)</code>`).exec(html);
  expect(match, `#${id}`).not.toBeNull();
  return decode(match![1]!);
}

function hrefOf(html: string, text: string): string {
  const match = new RegExp(`<a class="button" href="([^"]*)">${text}</a>`).exec(html);
  expect(match, text).not.toBeNull();
  return decode(match![1]!);
}

function decode(s: string): string {
  return s
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

async function cspHash(text: string): Promise<string> {
  return `sha256-${base64(await sha256(text))}`;
}

function cspOf(response: Response): Map<string, string> {
  const policy = response.headers.get("Content-Security-Policy") ?? "";
  return new Map(
    policy.split(";").map((d) => {
      const [name = "", ...values] = d.trim().split(/\s+/);
      return [name, values.join(" ")];
    }),
  );
}

describe("landing page: connect any client", () => {
  it("gives each client the exact snippet for this server's URL", async () => {
    const { html } = await landing("https://mcp.example.com/");
    const url = "https://mcp.example.com/mcp";
    expect(html).toContain(`<title>${serverInfo.title}</title>`);
    expect(textOf(html, "url")).toBe(url);
    expect(textOf(html, "claude-code")).toBe(`claude mcp add --transport http ${NAME} ${url}`);

    // Cursor: the deeplink carries the mcp.json entry as base64 JSON.
    const cursor = new URL(hrefOf(html, "Add to Cursor"));
    expect(`${cursor.protocol}//${cursor.host}${cursor.pathname}`).toBe(
      "cursor://anysphere.cursor-deeplink/mcp/install",
    );
    expect(cursor.searchParams.get("name")).toBe(NAME);
    expect(JSON.parse(atob(cursor.searchParams.get("config")!))).toEqual({ url });
    expect(JSON.parse(textOf(html, "cursor-json"))).toEqual({ mcpServers: { [NAME]: { url } } });

    // VS Code: the same entry on the command line, in the install link and in .vscode/mcp.json.
    const entry = { name: NAME, type: "http", url };
    const command = /^code --add-mcp '(.*)'$/.exec(textOf(html, "vscode-command"));
    expect(JSON.parse(command![1]!)).toEqual(entry);
    const install = hrefOf(html, "Install in VS Code");
    expect(install.startsWith("vscode:mcp/install?")).toBe(true);
    expect(JSON.parse(decodeURIComponent(install.slice("vscode:mcp/install?".length)))).toEqual(entry);
    expect(JSON.parse(textOf(html, "vscode-json"))).toEqual({ servers: { [NAME]: { type: "http", url } } });

    expect(textOf(html, "inspector")).toBe(`npx @modelcontextprotocol/inspector --transport http --server-url ${url}`);
    expect(textOf(html, "inspector-cli")).toBe(
      `npx @modelcontextprotocol/inspector --cli ${url} --transport http --method tools/list`,
    );
    expect(html).toContain("Settings → Connectors");
    expect(html).toContain("Add custom connector");
    expect(html).toContain("Developer mode");
    expect(html).toContain("<strong>No authentication</strong>");
    expect(html).not.toContain("This URL is on your machine");
    expect(logged()).toEqual([]); // rendering the page logs nothing
  });

  it("lists the tools the server card lists", async () => {
    const { html } = await landing("https://mcp.example.com/");
    const card = (await (
      await fetchWorker("https://mcp.example.com/.well-known/mcp/server-card.json", undefined, OPEN)
    ).json()) as {
      tools: { name: string }[];
    };
    for (const tool of card.tools) expect(html).toContain(`<li><code>${tool.name}</code>`);
    expect(html).toContain('href="https://mcp.example.com/.well-known/mcp/server-card.json"');
  });

  it("allows only its own style and copy script, by hash, and cannot be framed", async () => {
    const { response, html } = await landing("https://mcp.example.com/");
    const csp = cspOf(response);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toBe(""); // no src, no attributes
    expect(csp.get("script-src")).toBe(`'${await cspHash(scripts[0]![2]!)}'`);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp.get("style-src")).toBe(`'${await cspHash(style)}'`);
    expect(csp.get("default-src")).toBe("'none'");
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("form-action")).toBe("'none'");
    expect(response.headers.get("Content-Security-Policy")).not.toContain("unsafe");
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
    expect(html).not.toMatch(/\sstyle=/i); // the style hash does not cover attributes
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    // Without script the Copy buttons stay hidden; the script reveals them.
    expect(
      html.match(/<button type="button" class="copy" data-copy="[a-z-]+" aria-label="[^"]+" hidden>Copy<\/button>/g),
    ).toHaveLength(7);
  });

  it("keeps a page built from the request's host out of shared caches; PUBLIC_URL pages may be shared", async () => {
    const own = await landing("https://mcp.example.com/");
    expect(own.response.headers.get("Cache-Control")).toMatch(/^private\b/);

    const pinned = await landing("https://x.example.workers.dev/", { ...OPEN, PUBLIC_URL: "https://mcp.example.org" });
    expect(pinned.response.headers.get("Cache-Control")).toMatch(/^public\b/);
    expect(textOf(pinned.html, "url")).toBe("https://mcp.example.org/mcp");
    expect(pinned.html).not.toContain("workers.dev");
  });

  it("says Claude and ChatGPT need a deployed URL when the server is on localhost", async () => {
    const { html } = await landing("http://localhost:8787/");
    expect(textOf(html, "url")).toBe("http://localhost:8787/mcp");
    expect(html).toContain("This URL is on your machine");
  });

  describe("says what sign-in will ask, from the configuration", () => {
    const summary = (html: string) => /<strong>Sign-in\.<\/strong> ([^<]*)<\/p>/.exec(html)?.[1];

    it("none", async () => {
      expect(summary((await landing("https://mcp.example.com/")).html)).toMatch(/^No sign-in/);
    });

    it("a passphrase, and OAuth in each client that asks", async () => {
      const { html } = await landing("https://mcp.example.com/", {
        MCP_AUTH: "oauth",
        AUTH_PASSPHRASE: "correct horse",
      });
      expect(summary(html)).toMatch(/enter the passphrase its owner set/);
      expect(html).toContain("<strong>OAuth</strong>");
      expect(html).toContain(`Then run <code>/mcp</code> in Claude Code, pick <code>${NAME}</code> and sign in.`);
      expect(html).not.toContain("correct horse");
    });

    it("development mode on localhost without a passphrase", async () => {
      const { html } = await landing("http://localhost:8787/", { MCP_AUTH: "oauth", AUTH_PASSPHRASE: "" });
      expect(summary(html)).toMatch(/Development mode/);
    });

    it("nothing yet on a deployed server without its secret", async () => {
      const { html } = await landing("https://mcp.example.com/", { MCP_AUTH: "oauth", AUTH_PASSPHRASE: "" });
      expect(summary(html)).toMatch(/not set up yet.*AUTH_PASSPHRASE/);
      const github = await landing("https://mcp.example.com/", { MCP_AUTH: "oauth", AUTH_IDENTITY: "github" });
      expect(summary(github.html)).toMatch(/not set up yet.*UPSTREAM_CLIENT_ID/);
    });

    it("GitHub, and whether an allow-list applies", async () => {
      const vars = {
        MCP_AUTH: "oauth",
        AUTH_IDENTITY: "github",
        UPSTREAM_CLIENT_ID: "id",
        UPSTREAM_CLIENT_SECRET: "s",
      };
      expect(summary((await landing("https://mcp.example.com/", vars)).html)).toMatch(
        /sign in with GitHub, then approve\.$/,
      );
      const listed = await landing("https://mcp.example.com/", { ...vars, AUTH_ALLOWED_USERS: "octocat" });
      expect(summary(listed.html)).toMatch(/allow-list/);
      expect(listed.html).not.toContain("octocat");
    });

    it("the OIDC provider by its host", async () => {
      const { html } = await landing("https://mcp.example.com/", {
        MCP_AUTH: "oauth",
        AUTH_IDENTITY: "oidc",
        OIDC_ISSUER: "https://accounts.example.net",
        UPSTREAM_CLIENT_ID: "id",
        UPSTREAM_CLIENT_SECRET: "s",
      });
      expect(summary(html)).toMatch(/sign in with your account at accounts\.example\.net/);
    });
  });

  it("builds names and commands a shell and a config file accept", () => {
    const snippets = clientSnippets("My Server (beta)!", "https://h.example/mcp?team=it's");
    expect(snippets.name).toBe("my-server-beta");
    expect(snippets.claudeCode).toBe(
      `claude mcp add --transport http my-server-beta 'https://h.example/mcp?team=it'\\''s'`,
    );
    expect(snippets.vscodeCommand).toContain(`"url":"https://h.example/mcp?team=it'\\''s"`);
  });
});

describe("error pages: HTML for browsers, JSON for API clients", () => {
  it("a browser's 404 is a page with the way home", async () => {
    const response = await fetchWorker("/nope/<b>", { headers: { Accept: BROWSER } }, OPEN);
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(response.headers.get("Vary")).toBe("Accept");
    expect(cspOf(response).get("script-src")).toBe("'none'");
    const html = await response.text();
    expect(html).toContain("<h1>Nothing here</h1>");
    expect(html).toContain("<code>/nope/&lt;b&gt;</code>"); // the path, escaped
    expect(html).not.toContain("<b>");
    expect(html).toContain('href="/"');
  });

  it("API clients keep the JSON 404, whatever else they accept", async () => {
    for (const accept of [
      undefined,
      "*/*",
      "application/json",
      "application/json, text/html",
      "text/html;q=0.5, application/json",
    ]) {
      const response = await fetchWorker("/nope", accept ? { headers: { Accept: accept } } : undefined, OPEN);
      expect(response.status, accept).toBe(404);
      expect(response.headers.get("Vary"), accept).toBe("Accept");
      expect(await response.json(), accept).toEqual({ error: "not_found", message: "Nothing at /nope" });
    }
  });

  it("'https required' is a page for a browser and JSON for a client", async () => {
    const page = await fetchWorker("http://mcp.example.com/", { headers: { Accept: BROWSER } }, { MCP_AUTH: "oauth" });
    expect(page.status).toBe(400);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(page.headers.get("Vary")).toBe("Accept");
    expect(page.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain("This server needs https");
    expect(html).toContain("<code>https://mcp.example.com/</code>");

    const api = await fetchWorker("http://mcp.example.com/mcp", { method: "POST" }, { MCP_AUTH: "oauth" });
    expect(api.status).toBe(400);
    expect(api.headers.get("Vary")).toBe("Accept");
    expect(await api.json()).toMatchObject({ error: "https_required" });
  });

  it("prefersHtml: only an explicit text/html that outranks JSON", () => {
    expect(prefersHtml(BROWSER)).toBe(true);
    expect(prefersHtml("text/html")).toBe(true);
    for (const accept of [null, "", "*/*", "application/json", "text/html;q=0", "application/json, text/html"]) {
      expect(prefersHtml(accept), String(accept)).toBe(false);
    }
  });
});

describe("the headers every answer of the app carries (Hono's secure-headers)", () => {
  it("API answers, pages and refusals alike: no sniffing, no framing, no referrer; pages keep their own policy", async () => {
    const answers = [
      await fetchWorker("/nope", undefined, OPEN), // JSON 404
      await fetchWorker("/.well-known/mcp/server-card.json", undefined, OPEN), // the card
      await fetchWorker("/mcp", { method: "GET" }, OPEN), // a JSON-RPC refusal
      await fetchWorker("/", { headers: { Accept: BROWSER } }, OPEN), // the landing page
    ];
    for (const response of answers) {
      expect(response.headers.get("X-Content-Type-Options"), response.url).toBe("nosniff");
      expect(response.headers.get("X-Frame-Options"), response.url).toBe("DENY");
      expect(response.headers.get("Referrer-Policy"), response.url).toBe("no-referrer");
      expect(response.headers.get("Content-Security-Policy"), response.url).toContain("frame-ancestors 'none'");
    }
    // An API answer gets the strictest policy; the landing page its own, which allows its script by hash.
    expect(answers[0]!.headers.get("Content-Security-Policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(answers[3]!.headers.get("Content-Security-Policy")).toMatch(/script-src 'sha256-/);
  });
});

describe("each client's snippet says what its sign-in looks like, as the compatibility matrix records it", () => {
  const SECTIONS: Record<string, string> = {
    "claude-code": "Claude Code",
    claude: "Claude (claude.ai and the desktop app)",
    chatgpt: "ChatGPT",
    cursor: "Cursor",
    vscode: "VS Code",
    inspector: "MCP Inspector",
  };

  /** Where the client's sign-in goes, as a person would see it named on the page. */
  function destination(fixture: ClientFixture): string {
    const uri = fixture.authorization.redirectUri;
    const url = new URL(uri.replace(/\{port\}/g, "1").replace(/\{\w+\}/g, "x"));
    if (url.protocol === "https:") return url.hostname;
    if (url.protocol === "http:") return uri.includes("{port}") ? `${url.hostname}:&lt;port&gt;` : url.host;
    return `${url.protocol}//`;
  }

  it.each(CLIENTS.filter((c) => c.landing).map((c) => [c.id, c] as const))("%s", async (_id, fixture) => {
    const { html } = await landing("https://mcp.example.com/", { AUTH_PASSPHRASE: PASSPHRASE });
    const title = SECTIONS[fixture.landing!]!;
    const start = html.indexOf(`<h3>${title}</h3>`);
    expect(start, `no section for ${fixture.landing}`).toBeGreaterThan(0);
    const next = html.indexOf('<div class="client">', start);
    const section = html.slice(start, next > 0 ? next : html.indexOf("</section>", start));
    expect(section).toContain('class="muted sign-in-looks"');
    expect(section).toContain(destination(fixture));
    if (fixture.registration.kind === "cimd") {
      const publisher = new URL(String(documentOf(fixture).client_id)).hostname;
      expect(section).toContain(`published by <strong>${publisher}</strong>`);
    } else {
      expect(section).toContain("registers itself");
    }
  });

  it("says nothing about signing in when authentication is off", async () => {
    const { html } = await landing("https://mcp.example.com/");
    expect(html).not.toContain("sign-in-looks");
  });
});
