import { describe, expect, it } from "vitest";
import { initialize, MCP_URL, ORIGIN, rpc, server } from "./helpers/oauth.js";
import { fetchWorker } from "./helpers/worker.js";

const SMITHERY_UA = "SmitheryBot/1.0 (+https://smithery.ai)";
const PRM_URL = `${ORIGIN}/.well-known/oauth-protected-resource/mcp`;

describe("OAuth discovery: from a bare 401 to the authorization server", () => {
  it.each([
    ["no Origin, no User-Agent", {}],
    ["SmitheryBot, no Origin", { "User-Agent": SMITHERY_UA }],
    ["SmitheryBot with its own Origin", { "User-Agent": SMITHERY_UA, Origin: ORIGIN }],
    ["a foreign Origin", { Origin: "https://evil.example" }],
  ])("POST /mcp without a token is 401 with the resource metadata URL, never 403 (%s)", async (_, headers) => {
    const response = await rpc(initialize, undefined, undefined, headers);
    expect(response.status).toBe(401);
    const challenge = response.headers.get("WWW-Authenticate")!;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${PRM_URL}"`);
    expect(challenge).toContain('scope="mcp profile"');
  });

  it("GET /mcp without a token is 401 too (clients probe with GET)", async () => {
    const response = await server()("/mcp", { headers: { "User-Agent": SMITHERY_UA } });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain("resource_metadata=");
  });

  it("names only the baseline scopes a token needs (OAUTH_SCOPES)", async () => {
    const response = await rpc(initialize, undefined, { OAUTH_SCOPES: "mcp" });
    expect(response.headers.get("WWW-Authenticate")).toContain('scope="mcp"');
  });

  it("serves the protected-resource metadata at the URL the 401 names, resource = the MCP URL", async () => {
    const response = await server()(PRM_URL);
    expect(response.status).toBe(200);
    const prm = await response.json<Record<string, unknown>>();
    expect(prm.resource).toBe(MCP_URL);
    expect(prm.authorization_servers).toEqual([ORIGIN]);
    expect(prm.scopes_supported).toEqual(["mcp", "profile"]);
    expect(prm.bearer_methods_supported).toEqual(["header"]);
  });

  it("serves the same document at the root /.well-known/oauth-protected-resource", async () => {
    const [root, pathAware] = await Promise.all([
      server()("/.well-known/oauth-protected-resource").then((r) => r.json()),
      server()(PRM_URL).then((r) => r.json()),
    ]);
    expect(root).toEqual(pathAware);
  });

  it("serves authorization-server metadata: S256 only, CIMD, registration, iss in responses", async () => {
    const response = await server()("/.well-known/oauth-authorization-server");
    expect(response.status).toBe(200);
    const as = await response.json<Record<string, unknown>>();
    expect(as).toMatchObject({
      issuer: ORIGIN,
      authorization_endpoint: `${ORIGIN}/authorize`,
      token_endpoint: `${ORIGIN}/oauth/token`,
      registration_endpoint: `${ORIGIN}/oauth/register`,
      code_challenge_methods_supported: ["S256"],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    expect(as.response_types_supported).toEqual(["code"]);
    expect(as.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token"]));
    expect(as.token_endpoint_auth_methods_supported).toContain("none");
    expect(as.scopes_supported).toEqual(expect.arrayContaining(["mcp", "profile"]));
  });

  it("builds one provider per origin when PUBLIC_URL is unset: localhost gets its own resource", async () => {
    const response = await fetchWorker("http://localhost:8787/.well-known/oauth-protected-resource/mcp", {}, {});
    expect(await response.json()).toMatchObject({ resource: "http://localhost:8787/mcp" });
    const challenge = (await fetchWorker("http://localhost:8787/mcp", { method: "POST" }, {})).headers.get(
      "WWW-Authenticate",
    );
    expect(challenge).toContain('resource_metadata="http://localhost:8787/.well-known/oauth-protected-resource/mcp"');
  });

  it("uses PUBLIC_URL as the one resource whatever host the request came to", async () => {
    const vars = { PUBLIC_URL: "https://mcp.example.org" };
    const response = await fetchWorker(
      "https://my-worker.example.workers.dev/.well-known/oauth-protected-resource/mcp",
      {},
      vars,
    );
    expect(await response.json()).toMatchObject({ resource: "https://mcp.example.org/mcp" });
  });

  it("refuses plain http on a public host with a clear 400, not a 500", async () => {
    const response = await fetchWorker("http://mcp.example.com/mcp", { method: "POST" }, {});
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "https_required" });
  });

  it("keeps the server card, the landing page and the consent routes public", async () => {
    for (const path of ["/.well-known/mcp/server-card.json", "/mcp/server-card", "/.well-known/mcp/server-card", "/"]) {
      const response = await server()(path);
      expect(response.status, path).toBe(200);
    }
    const smithery = await server()("/.well-known/mcp/server-card.json").then((r) => r.json<Record<string, unknown>>());
    expect(smithery.authentication).toEqual({ required: true, schemes: ["oauth2"] });
    const card = await server()("/mcp/server-card").then((r) => r.json<{ remotes: unknown[] }>());
    expect(card.remotes).toMatchObject([{ authentication: { required: true, schemes: ["oauth2"] } }]);
  });

  it("answers a CORS preflight for /mcp so browser clients can reach the 401", async () => {
    const response = await server()("/mcp", {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:6274", "Access-Control-Request-Method": "POST" },
    });
    expect(response.status).toBe(204);
  });

  it("serves none of it with MCP_AUTH=none", async () => {
    const open = { MCP_AUTH: "none" };
    expect((await fetchWorker(`${ORIGIN}/authorize`, {}, open)).status).toBe(404);
    expect((await fetchWorker(`${ORIGIN}/.well-known/oauth-authorization-server`, {}, open)).status).toBe(404);
    expect((await rpc(initialize, undefined, open)).status).toBe(200);
  });
});

describe("odd hosts", () => {
  it("an origin the provider cannot use as a resource is a 400, not a 500", async () => {
    // *.localhost is loopback to the origin check, but the provider accepts only exact loopback hosts.
    const response = await fetchWorker("http://foo.localhost:8787/mcp", { method: "POST" }, {});
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_origin" });
  });
});
