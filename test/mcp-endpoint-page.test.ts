import { describe, expect, it } from "vitest";
import { serverInfo } from "../src/server/info.js";
import { OPEN } from "./helpers/http.js";
import { withPassphrase } from "./helpers/oauth.js";
import { fetchWorker } from "./helpers/worker.js";

// A person who opens the MCP URL in a browser gets a page saying what the address is for and how
// to connect, with the status and headers a client gets: clients (which never ask for HTML before
// JSON) see exactly what they saw before.

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const ORIGIN = "https://mcp.example.com";
const oauth = { ...withPassphrase, MCP_AUTH: "oauth" } as const;

function get(accept: string | undefined, vars: Partial<Env>, headers: Record<string, string> = {}) {
  return fetchWorker(`${ORIGIN}/mcp`, { headers: { ...(accept ? { Accept: accept } : {}), ...headers } }, vars);
}

async function expectEndpointPage(response: Response) {
  expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
  expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.get("Vary")).toContain("Accept");
  const html = await response.text();
  expect(html).toContain("This is an MCP endpoint");
  expect(html).toContain(`<code>${ORIGIN}/mcp</code>`);
  expect(html).toContain(serverInfo.title);
  expect(html).toContain('href="/"');
  return html;
}

describe("a browser opening /mcp with MCP_AUTH=oauth", () => {
  it("gets the 401 discovery needs, WWW-Authenticate and all, with a page for its body", async () => {
    const client = await get("application/json, text/event-stream", oauth);
    const browser = await get(BROWSER, oauth);
    expect(browser.status).toBe(401);
    const challenge = client.headers.get("WWW-Authenticate")!;
    expect(challenge).toContain(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource/mcp"`);
    expect(browser.headers.get("WWW-Authenticate")).toBe(challenge);
    const html = await expectEndpointPage(browser);
    expect(html).toContain("signs you in");
    expect(browser.headers.get("Allow")).toBeNull();
  });

  it("keeps the provider's CORS answer for an allowed origin", async () => {
    const client = await get(undefined, oauth, { Origin: ORIGIN });
    const browser = await get(BROWSER, oauth, { Origin: ORIGIN });
    expect(browser.status).toBe(401);
    expect(client.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    for (const name of ["Access-Control-Allow-Origin", "Access-Control-Expose-Headers"]) {
      expect(browser.headers.get(name), name).toBe(client.headers.get(name));
    }
  });

  it("leaves every client's answer as it was: JSON, for any Accept that does not put HTML first", async () => {
    for (const accept of [undefined, "*/*", "application/json", "text/event-stream", "application/json, text/html"]) {
      const response = await get(accept, oauth);
      expect(response.status, accept).toBe(401);
      expect(response.headers.get("Content-Type") ?? "", accept).not.toMatch(/text\/html/);
      expect(response.headers.get("WWW-Authenticate"), accept).toContain("resource_metadata=");
    }
    // Other methods too, browser or not.
    const post = await fetchWorker(`${ORIGIN}/mcp`, { method: "POST", headers: { Accept: BROWSER } }, oauth);
    expect(post.status).toBe(401);
    expect(post.headers.get("Content-Type") ?? "").not.toMatch(/text\/html/);
  });
});

describe("a browser opening /mcp with MCP_AUTH=none", () => {
  it("gets the 405 (and Allow) a client gets, as a page", async () => {
    const response = await get(BROWSER, OPEN);
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST, OPTIONS");
    const html = await expectEndpointPage(response);
    expect(html).toContain("needs no sign-in");
  });

  it("leaves a client's GET as the JSON-RPC 405 it was", async () => {
    for (const accept of [undefined, "text/event-stream", "application/json, text/event-stream"]) {
      const response = await get(accept, OPEN);
      expect(response.status, accept).toBe(405);
      expect(response.headers.get("Allow"), accept).toBe("POST, OPTIONS");
      expect(await response.json(), accept).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 } });
    }
  });
});
