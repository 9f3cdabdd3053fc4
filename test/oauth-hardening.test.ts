import { describe, expect, it } from "vitest";
import {
  authorizeUrl,
  Browser,
  initialize,
  LOOPBACK_REDIRECT,
  PASSPHRASE,
  pkce,
  register,
  rpc,
  server,
  signIn,
} from "./helpers/oauth.js";
import { fetchWorker } from "./helpers/worker.js";

const open = { MCP_AUTH: "none" };
const json = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

describe("point 7: one path normalisation for the provider and the app", () => {
  it.each(["/%6dcp", "/%6D%63%70", "/m%63p", "/x/%2e%2e/mcp"])(
    "%s without a token is a 401, like /mcp",
    async (path) => {
      const response = await server()(path, { method: "POST", headers: json, body: JSON.stringify(initialize) });
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toContain("resource_metadata=");
    },
  );

  it("with MCP_AUTH=none, /%6dcp is /mcp too", async () => {
    const response = await fetchWorker(
      "/%6dcp",
      { method: "POST", headers: json, body: JSON.stringify(initialize) },
      open,
    );
    expect(response.status).toBe(200);
  });

  it("an encoded percent sign is not decoded twice", async () => {
    const response = await server()("/%256dcp", { method: "POST", headers: json, body: JSON.stringify(initialize) });
    expect(response.status).toBe(404);
  });
});

describe("point 7: /mcp CORS in OAuth mode follows the origin allow-list", () => {
  it("a foreign origin gets no CORS headers, on the 401, the preflight and a real answer", async () => {
    const { tokens } = await signIn();
    const evil = { Origin: "https://evil.example" };
    const unauthenticated = await server()("/mcp", { method: "POST", headers: { ...json, ...evil }, body: "{}" });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const preflight = await server()("/mcp", {
      method: "OPTIONS",
      headers: { ...evil, "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const answered = await rpc(initialize, tokens.access_token, undefined, evil);
    expect(answered.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("an origin in ALLOWED_ORIGINS is let in", async () => {
    const vars = { AUTH_PASSPHRASE: PASSPHRASE, ALLOWED_ORIGINS: "https://app.example" };
    const response = await server(vars)("/mcp", {
      method: "POST",
      headers: { ...json, Origin: "https://app.example" },
      body: "{}",
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    expect(response.headers.get("Access-Control-Expose-Headers")).toContain("WWW-Authenticate");
  });
});

describe("point 7: authorization request checks", () => {
  it("a repeated parameter is refused with a page, not a redirect", async () => {
    const { client_id: clientId } = await register();
    const { challenge } = await pkce();
    for (const name of ["client_id", "redirect_uri", "state", "code_challenge", "scope", "response_type"]) {
      const url = new URL(authorizeUrl({ clientId, challenge, scope: "mcp" }));
      url.searchParams.append(name, url.searchParams.get(name) ?? "x");
      const response = await new Browser().fetch(url.href);
      expect(response.status, name).toBe(400);
      expect(response.headers.get("Location")).toBeNull();
      expect(await response.text()).toContain(`${name} appears more than once`);
    }
  });

  it.each([
    ["too short", "abc"],
    ["too long", "a".repeat(129)],
    ["not base64url", `${"a".repeat(42)}+`],
  ])("a code_challenge that is %s goes back to the client as invalid_request", async (_, challenge) => {
    const { client_id: clientId } = await register();
    const response = await new Browser().fetch(authorizeUrl({ clientId, challenge }));
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get("Location")!);
    expect(`${back.origin}${back.pathname}`).toBe(LOOPBACK_REDIRECT);
    expect(back.searchParams.get("error")).toBe("invalid_request");
  });
});

describe("point 7: JSON-RPC batches only for protocol versions that have them", () => {
  const batch = [
    { jsonrpc: "2.0", id: 1, method: "ping" },
    { jsonrpc: "2.0", id: 2, method: "ping" },
  ];
  it.each(["2025-06-18", "2025-11-25"])("%s: a batch is a 400 Invalid Request", async (version) => {
    const response = await fetchWorker(
      "/mcp",
      { method: "POST", headers: { ...json, "Mcp-Protocol-Version": version }, body: JSON.stringify(batch) },
      open,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32600 } });
  });

  it("2025-03-26 still takes one", async () => {
    const response = await fetchWorker(
      "/mcp",
      { method: "POST", headers: { ...json, "Mcp-Protocol-Version": "2025-03-26" }, body: JSON.stringify(batch) },
      open,
    );
    expect(response.status).toBe(200);
  });
});

describe("point 7: pages naming the request's Host are never publicly cacheable", () => {
  it("Smithery's card names no origin, so it is public whatever the Host", async () => {
    const spoofed = await fetchWorker(
      "http://localhost:8787/.well-known/mcp/server-card.json",
      { headers: { Host: "evil.example" } },
      open,
    );
    expect(spoofed.headers.get("Cache-Control")).toMatch(/^public/);
    expect(await spoofed.text()).not.toContain("evil.example");
  });

  it.each(["/", "/mcp/server-card"])("%s: private without PUBLIC_URL, public with it", async (path) => {
    const spoofed = await fetchWorker(`http://localhost:8787${path}`, { headers: { Host: "evil.example" } }, open);
    expect(spoofed.headers.get("Cache-Control")).toMatch(/^private/);
    const pinned = await fetchWorker(path, undefined, { ...open, PUBLIC_URL: "https://mcp.example.org" });
    expect(pinned.headers.get("Cache-Control")).toMatch(/^public/);
    expect(await pinned.text()).toContain("https://mcp.example.org/mcp");
  });
});
