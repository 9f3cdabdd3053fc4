import type { Handler } from "hono";
import { describe, expect, it } from "vitest";
import {
  type Check,
  type CheckId,
  type PreflightReport,
  resolveTarget,
  runPreflight,
} from "../scripts/preflight/checks.ts";
import { bearerChallenge, type Fetch } from "../scripts/preflight/http.ts";
import { formatReport } from "../scripts/preflight/report.ts";
import {
  asDocument,
  blockPage,
  botFightMode,
  CLEAN_OAUTH_SCAN,
  card,
  GOOD_TOKEN,
  MCP_URL,
  mcpHandler,
  ORIGIN,
  oauthServer,
  openServer,
  PRM_URL,
  prmDocument,
} from "./helpers/stand-ins.js";

const scan = (fetch: Fetch, options: { token?: string; userAgent?: string; input?: string } = {}) =>
  runPreflight(options.input ?? ORIGIN, { fetch, timeoutMs: 2000, ...options });

function check(report: PreflightReport, id: CheckId): Check {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(", ")}`);
  return found;
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}): Handler =>
  (c) =>
    c.json(body, status as 200, { "Access-Control-Allow-Origin": "*", ...headers });

describe("well-behaved servers pass", () => {
  it("behind OAuth: 401 with resource_metadata, both metadata documents, a matching card", async () => {
    const report = await scan(oauthServer());
    expect(report.ok).toBe(true);
    expect(report.auth).toBe("oauth");
    expect(report.checks.map((c) => [c.id, c.status])).toEqual(CLEAN_OAUTH_SCAN);
    expect(check(report, "mcp.endpoint").detail).toContain(`resource_metadata="${PRM_URL}"`);
    expect(check(report, "mcp.tools").detail).toContain("Smithery asks you to authorize its scan");
  });

  it("behind OAuth with --token: initialize and tools/list as an authorized client", async () => {
    const report = await scan(oauthServer(), { token: GOOD_TOKEN });
    expect(check(report, "mcp.tools")).toMatchObject({ status: "pass", detail: expect.stringContaining("echo") });
    const refused = await scan(oauthServer(), { token: "stale" });
    expect(check(refused, "mcp.tools")).toMatchObject({
      status: "fail",
      problem: "token-refused",
      detail: expect.stringContaining("invalid_token"),
    });
  });

  it("public: initialize and tools/list without a token, answered as JSON or as an SSE stream", async () => {
    for (const sse of [false, true]) {
      const report = await scan(openServer({ mcp: mcpHandler({ sse }) }));
      expect(report.ok).toBe(true);
      expect(report.auth).toBe("none");
      expect(check(report, "mcp.endpoint").detail).toBe(
        "initialize answered without a token: stand-in 1.0.0, protocol 2025-11-25",
      );
      expect(check(report, "mcp.tools").detail).toBe("1 tool, each a valid MCP Tool: echo");
      expect(check(report, "oauth.discovery").status).toBe("skip");
    }
  });
});

describe("a 403 is diagnosed", () => {
  it("Cloudflare's challenge (cf-mitigated) names Bot Fight Mode and the ways through", async () => {
    const report = await scan(oauthServer({ edge: botFightMode() }));
    expect(report.ok).toBe(false);
    const mcp = check(report, "mcp.endpoint");
    expect(mcp).toMatchObject({ status: "fail", problem: "cloudflare-challenge" });
    expect(mcp.detail).toContain("cf-mitigated: challenge");
    expect(mcp.detail).toContain("Bot Fight Mode");
    expect(mcp.fix).toContain("Free plan: WAF rules cannot skip Bot Fight Mode");
    expect(mcp.fix).toContain('(http.user_agent contains "SmitheryBot")');
    expect(mcp.fix).toContain("Skip → All Super Bot Fight Mode rules");
    expect(mcp.fix).toContain("*.workers.dev");
    expect(mcp.fix).toContain("a User-Agent can be spoofed");
    expect(mcp.fix).toContain("docs/scan-failures.md#2-let-smitherybot-through-cloudflare");
    // The card is behind the same edge: same diagnosis.
    expect(check(report, "card.reachable")).toMatchObject({ status: "fail", problem: "cloudflare-challenge" });
  });

  it("the challenge is recognised by its “Just a moment…” page alone", async () => {
    const report = await scan(oauthServer({ edge: botFightMode({ header: false }) }));
    const mcp = check(report, "mcp.endpoint");
    expect(mcp.problem).toBe("cloudflare-challenge");
    expect(mcp.detail).toContain("a “Just a moment…” challenge page");
  });

  it("the scan is made as SmitheryBot: another User-Agent passes the same edge", async () => {
    const report = await scan(oauthServer({ edge: botFightMode() }), { userAgent: "curl/8.5.0" });
    expect(report.ok).toBe(true);
    expect(report.userAgent).toBe("curl/8.5.0");
    expect((await scan(oauthServer())).userAgent).toBe("SmitheryBot/1.0 (+https://smithery.ai)");
  });

  it("Cloudflare's block page (a WAF rule, error 1020) is told apart from a challenge", async () => {
    const report = await scan(
      oauthServer({ edge: async (c) => c.html(blockPage, 403, { Server: "cloudflare", "CF-RAY": "8f00-LHR" }) }),
    );
    const mcp = check(report, "mcp.endpoint");
    expect(mcp).toMatchObject({ status: "fail", problem: "cloudflare-block" });
    expect(mcp.detail).toContain("Cloudflare's block page: a WAF or IP rule refused SmitheryBot");
    expect(mcp.fix).toContain('(http.user_agent contains "SmitheryBot")');
  });

  it("a plain 403 says: return 401, not 403 — or a WAF/IP rule is refusing the scanner", async () => {
    const report = await scan(oauthServer({ mcp: json({ error: "forbidden" }, 403) }));
    const mcp = check(report, "mcp.endpoint");
    expect(mcp).toMatchObject({ status: "fail", problem: "forbidden" });
    expect(mcp.detail).toContain(`${MCP_URL} answered 403 Forbidden ({"error":"forbidden"})`);
    expect(mcp.detail).toContain("Smithery starts OAuth discovery only on a 401");
    expect(mcp.detail).toContain("return 401, not 403");
    expect(mcp.fix).toMatch(/^Return 401, not 403/);
    expect(mcp.fix).toContain(`WWW-Authenticate: Bearer resource_metadata="${PRM_URL}"`);
    expect(mcp.fix).toContain("a WAF custom rule, IP Access Rule or proxy in front of it");
    expect(mcp.fix).toContain("docs/scan-failures.md#1-answer-401-not-403");
    // Without a 401, the OAuth checks cannot start, and the card's auth cannot be compared.
    expect(check(report, "oauth.discovery").status).toBe("skip");
    expect(check(report, "card.auth").status).toBe("skip");
  });
});

describe("OAuth discovery", () => {
  it("a 401 without resource_metadata fails, and the metadata is still looked for where RFC 9728 puts it", async () => {
    const report = await scan(oauthServer({ mcp: json({}, 401, { "WWW-Authenticate": 'Bearer realm="mcp"' }) }));
    const mcp = check(report, "mcp.endpoint");
    expect(mcp).toMatchObject({ status: "fail", problem: "no-resource-metadata" });
    expect(mcp.detail).toContain('its WWW-Authenticate (Bearer realm="mcp") has no resource_metadata');
    expect(mcp.fix).toContain(`resource_metadata="${PRM_URL}"`);
    expect(check(report, "oauth.protected-resource")).toMatchObject({
      status: "pass",
      detail: expect.stringContaining("found at the well-known URL; the 401 did not name it"),
    });
    expect(check(report, "card.auth").status).toBe("pass");
  });

  it("a 401 without any WWW-Authenticate header", async () => {
    const report = await scan(oauthServer({ mcp: json({ error: "unauthorized" }, 401) }));
    expect(check(report, "mcp.endpoint")).toMatchObject({
      problem: "no-resource-metadata",
      detail: expect.stringContaining("without a WWW-Authenticate header"),
    });
  });

  it("protected-resource metadata naming another resource", async () => {
    const report = await scan(
      oauthServer({ prm: json({ ...prmDocument, resource: "https://other.example.com/mcp" }) }),
    );
    expect(report.ok).toBe(false);
    const prm = check(report, "oauth.protected-resource");
    expect(prm).toMatchObject({ status: "fail", problem: "resource-mismatch" });
    expect(prm.detail).toBe(
      `${PRM_URL} says resource is "https://other.example.com/mcp", but the MCP URL is "${MCP_URL}"`,
    );
    expect(prm.fix).toContain("PUBLIC_URL");
    // The authorization server is still checked.
    expect(check(report, "oauth.authorization-server").status).toBe("pass");
  });

  it("protected-resource metadata missing, or without authorization servers", async () => {
    const missing = await scan(oauthServer({ prm: json({ error: "not_found" }, 404) }));
    expect(check(missing, "oauth.protected-resource")).toMatchObject({
      status: "fail",
      problem: "metadata-missing",
      detail: `${PRM_URL} answered 404`,
    });
    expect(check(missing, "oauth.authorization-server").status).toBe("skip");
    const empty = await scan(oauthServer({ prm: json({ resource: MCP_URL, authorization_servers: [] }) }));
    expect(check(empty, "oauth.protected-resource").problem).toBe("no-authorization-servers");
  });

  it("authorization-server metadata without S256, CIMD or registration", async () => {
    const { code_challenge_methods_supported, client_id_metadata_document_supported, registration_endpoint, ...bare } =
      asDocument;
    const report = await scan(
      oauthServer({ asMetadata: json({ ...bare, code_challenge_methods_supported: ["plain"] }) }),
    );
    expect(check(report, "oauth.authorization-server").status).toBe("pass");
    expect(check(report, "oauth.pkce")).toMatchObject({
      status: "fail",
      problem: "no-s256",
      detail: 'code_challenge_methods_supported is ["plain"]',
    });
    expect(check(report, "oauth.cimd")).toMatchObject({ status: "fail", problem: "no-cimd" });
    expect(check(report, "oauth.cimd").fix).toContain("Smithery registers through a Client ID Metadata Document");
    expect(check(report, "oauth.registration")).toMatchObject({ status: "warn", problem: "no-registration" });
  });

  it("authorization-server metadata with another issuer, or not there at all", async () => {
    const other = await scan(oauthServer({ asMetadata: json({ ...asDocument, issuer: "https://auth.example.com" }) }));
    expect(check(other, "oauth.authorization-server")).toMatchObject({ status: "fail", problem: "issuer-mismatch" });
    const none = await scan(oauthServer({ asMetadata: json({}, 404) }));
    const missing = check(none, "oauth.authorization-server");
    expect(missing).toMatchObject({ status: "fail", problem: "metadata-missing" });
    expect(missing.detail).toContain(`${ORIGIN}/.well-known/oauth-authorization-server (404)`);
    expect(missing.detail).toContain(`${ORIGIN}/.well-known/openid-configuration (404)`);
  });

  it("plain-http metadata on a public host", async () => {
    const report = await scan(
      oauthServer({ prm: json({ ...prmDocument, authorization_servers: ["http://auth.example.com"] }) }),
    );
    expect(check(report, "oauth.protected-resource")).toMatchObject({
      status: "fail",
      problem: "insecure-url",
      detail: "not https: http://auth.example.com",
    });
  });

  it("the root well-known URL missing is only a warning", async () => {
    const report = await scan(oauthServer({ rootPrm: json({}, 404) }));
    expect(report.ok).toBe(true);
    expect(check(report, "oauth.root-metadata")).toMatchObject({ status: "warn", problem: "root-metadata-missing" });
  });
});

describe("the server card", () => {
  it("missing", async () => {
    const report = await scan(oauthServer({ card: json({ error: "not_found" }, 404) }));
    expect(report.ok).toBe(false);
    const reachable = check(report, "card.reachable");
    expect(reachable).toMatchObject({
      status: "fail",
      problem: "card-missing",
      detail: `${ORIGIN}/.well-known/mcp/server-card.json answered 404`,
    });
    expect(reachable.fix).toContain("docs/scan-failures.md#3-the-static-server-card");
    expect(report.checks.filter((c) => c.id.startsWith("card."))).toHaveLength(1);
  });

  it("behind authentication", async () => {
    const report = await scan(oauthServer({ card: json({ error: "unauthorized" }, 401) }));
    expect(check(report, "card.reachable")).toMatchObject({ status: "fail", problem: "card-needs-auth" });
  });

  it("not JSON", async () => {
    const report = await scan(oauthServer({ card: (c) => c.html("<h1>Welcome</h1>") }));
    expect(check(report, "card.json")).toMatchObject({
      status: "fail",
      problem: "card-invalid-json",
      detail: "the card is not a JSON object (text/html; charset=UTF-8): <h1>Welcome</h1>",
    });
  });

  it("JSON served as text is a warning", async () => {
    const report = await scan(oauthServer({ card: (c) => c.text(JSON.stringify(card(true))) }));
    expect(report.ok).toBe(true);
    expect(check(report, "card.json")).toMatchObject({ status: "warn", problem: "card-content-type" });
  });

  it("without serverInfo, or with one lacking a version", async () => {
    const { serverInfo: _, ...rest } = card(true);
    const without = await scan(oauthServer({ card: json(rest) }));
    expect(check(without, "card.server-info")).toMatchObject({ status: "fail", problem: "card-no-server-info" });
    const partial = await scan(oauthServer({ card: json({ ...card(true), serverInfo: { name: "x" } }) }));
    expect(check(partial, "card.server-info")).toMatchObject({
      status: "fail",
      problem: "card-invalid-server-info",
      detail: expect.stringContaining("version"),
    });
  });

  it("tools that are not MCP Tools are named, with what is wrong", async () => {
    const tools = [
      { name: "ok", inputSchema: { type: "object" } },
      { name: "flat", inputSchema: { type: "string" } },
      { description: "nameless", inputSchema: { type: "object" } },
    ];
    const report = await scan(oauthServer({ card: json({ ...card(true), tools }) }));
    const result = check(report, "card.tools");
    expect(result).toMatchObject({ status: "fail", problem: "card-invalid-tools" });
    expect(result.detail).toMatch(/^tool flat: inputSchema\.type: .*; tool #2: name: /);
  });

  it("invalid resources or prompts", async () => {
    const report = await scan(oauthServer({ card: json({ ...card(true), prompts: [{ title: "no name" }] }) }));
    expect(check(report, "card.lists")).toMatchObject({
      status: "fail",
      problem: "card-invalid-lists",
      detail: expect.stringContaining("prompts #0: name:"),
    });
  });

  it("authentication.required disagreeing with /mcp, either way", async () => {
    const open = await scan(oauthServer({ card: json(card(false)) }));
    expect(check(open, "card.auth")).toMatchObject({
      status: "fail",
      problem: "card-auth-mismatch",
      detail: "/mcp answered 401, but the card says authentication.required is false",
    });
    const closed = await scan(openServer({ card: json(card(true)) }));
    expect(check(closed, "card.auth")).toMatchObject({
      status: "fail",
      problem: "card-auth-mismatch",
      detail: "/mcp answered without a token, but the card says authentication.required is true",
    });
  });

  it("tools on the card that differ from tools/list are a warning", async () => {
    const report = await scan(
      openServer({ card: json({ ...card(false), tools: [{ name: "old", inputSchema: { type: "object" } }] }) }),
    );
    expect(report.ok).toBe(true);
    expect(check(report, "card.tools")).toMatchObject({
      status: "warn",
      problem: "card-stale",
      detail: "the card and tools/list differ; not on the card: echo; not served: old",
    });
  });

  it("no CORS is a warning", async () => {
    const report = await scan(oauthServer({ card: (c) => c.json(card(true)) }));
    expect(report.ok).toBe(true);
    expect(check(report, "card.cors")).toMatchObject({ status: "warn", problem: "card-no-cors" });
  });
});

describe("the MCP endpoint's other failures", () => {
  it("tools/list with a tool that is not an MCP Tool names the tool", async () => {
    const report = await scan(
      openServer({ mcp: mcpHandler({ tools: [{ name: "broken", inputSchema: { type: "array" } }] }) }),
    );
    expect(check(report, "mcp.tools")).toMatchObject({
      status: "fail",
      problem: "invalid-result",
      detail: expect.stringContaining("tool broken: inputSchema.type"),
    });
  });

  it("an HTML page, a 404, a redirect, a 500", async () => {
    const html = await scan(openServer({ mcp: (c) => c.html("<h1>Hello</h1>") }));
    expect(check(html, "mcp.endpoint")).toMatchObject({
      problem: "not-json-rpc",
      detail: expect.stringContaining("(text/html; charset=UTF-8)"),
    });
    const missing = await scan(openServer({ mcp: json({}, 404) }));
    expect(check(missing, "mcp.endpoint").problem).toBe("not-mcp-endpoint");
    const moved = await scan(openServer({ mcp: (c) => c.redirect("https://elsewhere.example.com/mcp", 308) }));
    expect(check(moved, "mcp.endpoint")).toMatchObject({
      problem: "redirect",
      detail: expect.stringContaining("https://elsewhere.example.com/mcp"),
    });
    const broken = await scan(openServer({ mcp: json({ error: "boom" }, 500) }));
    expect(check(broken, "mcp.endpoint").problem).toBe("server-error");
  });

  it("no server at all, or one that never answers", async () => {
    const refused: Fetch = () => Promise.reject(new TypeError("fetch failed"));
    const down = await scan(refused, { input: "http://localhost:8799" });
    expect(check(down, "mcp.endpoint")).toMatchObject({
      status: "fail",
      problem: "unreachable",
      fix: "Start the server (npm run dev) and check the port.",
    });
    const hanging: Fetch = (_, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    const slow = await runPreflight(ORIGIN, { fetch: hanging, timeoutMs: 20 });
    expect(check(slow, "mcp.endpoint")).toMatchObject({
      problem: "timeout",
      detail: `${MCP_URL}: no answer within 0.02 s`,
    });
  });

  it("http on a public host fails; on localhost it is fine", async () => {
    const report = await scan(openServer(), { input: "http://mcp.example.com" });
    expect(check(report, "target.https")).toMatchObject({ status: "fail", problem: "not-https" });
    const local = await scan(openServer(), { input: "http://localhost:8787" });
    expect(check(local, "target.https").status).toBe("pass");
  });

  it("a string that is no URL", async () => {
    const report = await scan(openServer(), { input: "ftp://example.com" });
    expect(report.checks).toEqual([
      expect.objectContaining({ id: "target.url", status: "fail", problem: "invalid-url" }),
    ]);
  });
});

describe("the health check (GET /health)", () => {
  const answer =
    (body: unknown, status: number, headers: Record<string, string> = { "Cache-Control": "no-store" }): Handler =>
    (c) =>
      c.json(body, status as 200, headers);

  it("fails a server that says it is misconfigured, naming what it names", async () => {
    const body = { status: "misconfigured", problems: [{ setting: "PUBLIC_URL" }, { binding: "OAUTH_KV" }] };
    const result = check(await scan(oauthServer({ health: answer(body, 503) })), "health");
    expect(result).toMatchObject({ status: "fail", problem: "health-misconfigured" });
    expect(result.detail).toBe("503: the server says it is misconfigured: setting PUBLIC_URL, binding OAUTH_KV");
  });

  it("skips a server without one, and warns when the answer could be cached", async () => {
    const none = check(await scan(oauthServer({ health: (c) => c.json({ error: "not_found" }, 404) })), "health");
    expect(none.status).toBe("skip");
    const cached = await scan(
      oauthServer({ health: answer({ status: "ok" }, 200, { "Cache-Control": "max-age=60" }) }),
    );
    expect(check(cached, "health")).toMatchObject({ status: "warn", problem: "health-cacheable" });
  });
});

describe("building blocks", () => {
  it("resolveTarget: a base URL means /mcp; a path is kept; no scheme means https (http on localhost)", () => {
    expect(resolveTarget("https://mcp.example.com")).toMatchObject({
      mcpUrl: MCP_URL,
      cardUrl: `${ORIGIN}/.well-known/mcp/server-card.json`,
    });
    expect(resolveTarget("https://x.example.com/api/mcp?k=1")).toMatchObject({
      mcpUrl: "https://x.example.com/api/mcp?k=1",
      resource: "https://x.example.com/api/mcp",
    });
    expect(resolveTarget("localhost:8787")).toMatchObject({ mcpUrl: "http://localhost:8787/mcp" });
    expect(resolveTarget("mcp.example.com")).toMatchObject({ mcpUrl: MCP_URL });
  });

  it("bearerChallenge reads quoted and bare parameters, and only the Bearer scheme's", () => {
    expect(bearerChallenge(`Bearer realm="a, b", resource_metadata="${PRM_URL}", scope=mcp`)).toEqual({
      realm: "a, b",
      resource_metadata: PRM_URL,
      scope: "mcp",
    });
    expect(bearerChallenge('Basic realm="x", Bearer error="invalid_token"')).toEqual({ error: "invalid_token" });
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(bearerChallenge("Bearer")).toEqual({});
    expect(bearerChallenge(null)).toBeUndefined();
  });

  it("formatReport prints ✔/✘, the fix under each ✘, and the verdict", async () => {
    const text = formatReport(await scan(oauthServer({ mcp: json({}, 403) })));
    expect(text).toContain(`Smithery preflight: ${MCP_URL}`);
    expect(text).toContain("as SmitheryBot/1.0 (+https://smithery.ai)");
    expect(text).toContain("✔ HTTPS:");
    expect(text).toMatch(/✘ MCP endpoint answers the scanner: .*403 Forbidden.*\n {4}fix: Return 401, not 403/);
    expect(text).toMatch(
      /1 blocking failure: Smithery's scan would fail\. Fix each ✘, then run the preflight again\.$/,
    );
    const good = formatReport(await scan(oauthServer()));
    expect(good).toMatch(
      /Ready: nothing blocks Smithery's scan\. Publish: npm run publish:smithery -- https:\/\/mcp\.example\.com\/mcp -n <org>\/<name>$/,
    );
    expect(good).not.toContain("\u001b[");
  });
});
