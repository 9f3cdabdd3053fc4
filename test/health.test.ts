import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { version } from "../package.json";
import { health as healthOf } from "../src/template/health.js";
import { PROTOCOL_REVISIONS } from "../src/template/revisions.js";
import { fetchWorker } from "./helpers/worker.js";

// GET /health (src/template/health.ts): what an uptime monitor or a load balancer reads.

afterEach(() => vi.restoreAllMocks());

const OAUTH = "https://mcp.example.com/health";
const vars = (more: Record<string, unknown> = {}) =>
  ({ AUTH_PASSPHRASE: "a passphrase long enough", ...more }) as Partial<Env>;

async function health(url = OAUTH, more: Record<string, unknown> = {}, init?: RequestInit) {
  const response = await fetchWorker(url, init, vars(more));
  return { response, body: response.status === 405 || init?.method === "HEAD" ? undefined : await response.json() };
}

describe("GET /health", () => {
  it("200: version, protocol revisions, auth mode, each binding present; never cached", async () => {
    const { response, body } = await health();
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(body).toEqual({
      status: "ok",
      name: "mcp-worker-template",
      version,
      protocolRevisions: ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"],
      auth: "oauth",
      bindings: { ASSETS: true, MAILBOX: true, OAUTH_KV: true, RATE_LIMITER: true, REFRESH_GUARD: true },
      rateLimits: ["MCP_RATE_LIMIT", "TOOL_RATE_LIMIT"],
    });
  });

  it("says the revisions the endpoint really serves (the server card asks the SDK)", async () => {
    const card = (await (
      await fetchWorker("/.well-known/mcp/server-card.json", undefined, { MCP_AUTH: "none" })
    ).json()) as {
      supportedProtocolVersions: string[];
    };
    expect(PROTOCOL_REVISIONS).toEqual(card.supportedProtocolVersions);
  });

  it("with MCP_AUTH=none, needs none of OAuth's bindings", async () => {
    const { response, body } = await health("http://localhost:8787/health", { MCP_AUTH: "none", OAUTH_KV: undefined });
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status: "ok", auth: "none", bindings: { ASSETS: true, MAILBOX: true } });
    expect(Object.keys((body as { bindings: object }).bindings)).toEqual(["ASSETS", "MAILBOX"]);
  });

  it("lists only the rate limits that are on", async () => {
    const { body } = await health(OAUTH, { MCP_RATE_LIMIT: undefined });
    expect(body).toMatchObject({ status: "ok", rateLimits: ["TOOL_RATE_LIMIT"] });
    const off = await health(OAUTH, { RATE_LIMITS: "off" });
    expect(off.body).toMatchObject({ status: "ok", rateLimits: [] });
  });

  it("503 naming a setting that is wrong, never its value (where every other path says only 500)", async () => {
    const { response, body } = await health(OAUTH, {
      PUBLIC_URL: "ftp://private-value.example",
      LOG_ARGUMENTS: "lots",
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(body).toMatchObject({
      status: "misconfigured",
      version,
      auth: "oauth",
      problems: [{ setting: "PUBLIC_URL" }, { setting: "LOG_ARGUMENTS" }],
    });
    expect(JSON.stringify(body)).not.toMatch(/private-value|lots/);
  });

  it("503 naming a binding that is missing", async () => {
    const { response, body } = await health(OAUTH, { OAUTH_KV: undefined, MAILBOX: undefined });
    expect(response.status).toBe(503);
    expect(body).toMatchObject({
      bindings: { OAUTH_KV: false, MAILBOX: false, ASSETS: true },
      problems: [{ binding: "MAILBOX" }, { binding: "OAUTH_KV" }],
    });
  });

  it("needs an optional part's binding only while the part is there (a fork that deleted questions has no MAILBOX)", async () => {
    const request = new Request("http://localhost:8787/health");
    const withoutPart = healthOf(request, { ...env, MAILBOX: undefined } as unknown as Env, []);
    expect(withoutPart.status).toBe(200);
    expect(((await withoutPart.json()) as { bindings: object }).bindings).not.toHaveProperty("MAILBOX");
    const withPart = healthOf(request, { ...env, MAILBOX: undefined } as unknown as Env, ["MAILBOX"]);
    expect(withPart.status).toBe(503);
  });

  it("503 naming the sign-in secret a deployed server lacks; on localhost the one-time code stands in", async () => {
    const deployed = await health(OAUTH, { AUTH_PASSPHRASE: undefined });
    expect(deployed.response.status).toBe(503);
    expect(deployed.body).toMatchObject({ problems: [{ secret: "AUTH_PASSPHRASE" }] });
    const local = await health("http://localhost:8787/health", { AUTH_PASSPHRASE: undefined });
    expect(local.response.status).toBe(200);
    const github = await health(OAUTH, { AUTH_IDENTITY: "github" });
    expect(github.body).toMatchObject({
      problems: [{ secret: "UPSTREAM_CLIENT_ID" }, { secret: "UPSTREAM_CLIENT_SECRET" }],
    });
  });

  it("reads nothing but the settings: no KV, no Durable Object", async () => {
    const get = vi.spyOn(env.OAUTH_KV, "get");
    const list = vi.spyOn(env.OAUTH_KV, "list");
    const idFromName = vi.spyOn(env.RATE_LIMITER, "idFromName");
    expect((await health()).response.status).toBe(200);
    expect(get).not.toHaveBeenCalled();
    expect(list).not.toHaveBeenCalled();
    expect(idFromName).not.toHaveBeenCalled();
  });

  it("answers HEAD like GET, without a body; other methods get 405", async () => {
    const head = await fetchWorker(OAUTH, { method: "HEAD" }, vars());
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await fetchWorker(OAUTH, { method: "POST" }, vars());
    expect(post.status).toBe(405);
    expect(post.headers.get("Allow")).toBe("GET, HEAD");
  });
});
