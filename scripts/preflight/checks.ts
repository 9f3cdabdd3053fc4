import {
  LATEST_PROTOCOL_VERSION,
  type StandardSchemaV1Sync,
  specTypeSchemas,
  type Tool,
} from "@modelcontextprotocol/client";
import { FIX } from "./fixes.ts";

// The SDK's own validators for the protocol's types (Standard Schema). LATEST_PROTOCOL_VERSION is
// the newest 2025-era revision: the preflight connects as Smithery's scanner does, with a 2025
// initialize.
const ImplementationSchema = parser(specTypeSchemas.Implementation);
const InitializeResultSchema = parser(specTypeSchemas.InitializeResult);
const ListToolsResultSchema = parser(specTypeSchemas.ListToolsResult);
const PromptSchema = parser(specTypeSchemas.Prompt);
const ResourceSchema = parser(specTypeSchemas.Resource);
const ResourceTemplateSchema = parser(specTypeSchemas.ResourceTemplate);
const ToolSchema = parser(specTypeSchemas.Tool);

interface Issue {
  message: string;
  path: PropertyKey[];
}
type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: Issue[] } };
interface Parser<T> {
  safeParse(value: unknown): Parsed<T>;
}

function parser<T>(schema: StandardSchemaV1Sync<unknown, T>): Parser<T> {
  return {
    safeParse(value) {
      const result = schema["~standard"].validate(value);
      if (!result.issues) return { success: true, data: result.value };
      const issues = result.issues.map((i) => ({
        message: i.message,
        path: (i.path ?? []).map((p) => (typeof p === "object" ? p.key : p)),
      }));
      return { success: false, error: { issues } };
    },
  };
}

import {
  bearerChallenge,
  cloudflareVerdict,
  type Exchange,
  excerpt,
  type Fetch,
  insecure,
  isLoopback,
  isObject,
  type Outcome,
  SMITHERY_USER_AGENT,
  send,
} from "./http.ts";

/**
 * The preflight: what Smithery's scanner does to a URL before it lists a server, done from here,
 * so a failure shows up before publishing rather than after. Pure: every request goes through
 * the `fetch` it is given, so the same checks run from the CLI (Node's fetch, a real server) and
 * in the tests (the Worker's own fetch, or stand-ins that misbehave).
 */

export type Status = "pass" | "fail" | "warn" | "skip";

export interface Check {
  /** Stable identifier of the check, e.g. `mcp.endpoint`. */
  id: CheckId;
  title: string;
  status: Status;
  /** What was seen. */
  detail: string;
  /** For a fail or warn: a stable name for the problem, e.g. `cloudflare-challenge`. */
  problem?: string;
  /** For a fail or warn: what to do about it. */
  fix?: string;
}

export interface Target {
  /** The URL to publish: the MCP endpoint. */
  mcpUrl: string;
  /** The MCP URL as a resource identifier (no query), what protected-resource metadata must name. */
  resource: string;
  cardUrl: string;
  origin: string;
}

export interface PreflightReport {
  input: string;
  target: Target | undefined;
  userAgent: string;
  /** What /mcp said about authentication: a 401 (oauth), an answer without a token (none), or neither. */
  auth: "oauth" | "none" | "unknown";
  checks: Check[];
  /** No check failed: Smithery's scan should reach the server. Warnings do not block. */
  ok: boolean;
  counts: Record<Status, number>;
}

export interface PreflightOptions {
  /** How requests are made; Node's or the runtime's global fetch by default. */
  fetch?: Fetch;
  /** An access token: when /mcp asks for one, also run initialize and tools/list with it. */
  token?: string;
  /** Per request. */
  timeoutMs?: number;
  userAgent?: string;
}

const TITLES = {
  "target.url": "URL",
  "target.https": "HTTPS",
  "mcp.endpoint": "MCP endpoint answers the scanner",
  "mcp.tools": "tools/list",
  "oauth.discovery": "OAuth discovery",
  "oauth.protected-resource": "Protected-resource metadata (RFC 9728)",
  "oauth.root-metadata": "Protected-resource metadata at the root well-known URL",
  "oauth.authorization-server": "Authorization-server metadata (RFC 8414)",
  "oauth.pkce": "PKCE with S256",
  "oauth.cimd": "Client ID Metadata Documents (how Smithery registers)",
  "oauth.registration": "Dynamic client registration endpoint",
  "card.reachable": "Server card is public",
  "card.json": "Server card is JSON",
  "card.server-info": "Server card: serverInfo",
  "card.tools": "Server card: tools",
  "card.lists": "Server card: resources and prompts",
  "card.auth": "Server card: authentication agrees with /mcp",
  "card.cors": "Server card: CORS",
} as const;

export type CheckId = keyof typeof TITLES;

const pass = (id: CheckId, detail: string): Check => ({ id, title: TITLES[id], status: "pass", detail });
const skip = (id: CheckId, detail: string): Check => ({ id, title: TITLES[id], status: "skip", detail });
const fail = (id: CheckId, problem: string, detail: string, fix: string): Check => ({
  id,
  title: TITLES[id],
  status: "fail",
  detail,
  problem,
  fix,
});
const warn = (id: CheckId, problem: string, detail: string, fix: string): Check => ({
  ...fail(id, problem, detail, fix),
  status: "warn",
});

interface Context {
  fetch: Fetch;
  userAgent: string;
  timeoutMs: number;
  token: string | undefined;
}

/** What initialize established, for the requests that follow it. */
interface McpSession {
  protocolVersion: string;
  sessionId: string | null;
  authorization?: string;
}

export async function runPreflight(input: string, options: PreflightOptions = {}): Promise<PreflightReport> {
  const ctx: Context = {
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    userAgent: options.userAgent ?? SMITHERY_USER_AGENT,
    timeoutMs: options.timeoutMs ?? 10_000,
    token: options.token,
  };
  const target = resolveTarget(input);
  if (typeof target === "string") {
    const check = fail(
      "target.url",
      "invalid-url",
      target,
      "Give the server's base URL, e.g. https://mcp.example.com or http://localhost:8787.",
    );
    return report(input, undefined, "unknown", [check], ctx.userAgent);
  }

  const checks: Check[] = [checkHttps(target)];
  const mcp = await probeMcp(target, ctx);
  checks.push(mcp.check);

  let liveTools: string[] | undefined;
  if (mcp.auth === "none") {
    const tools = await listTools(target, ctx, mcp.session!);
    checks.push(tools.check);
    liveTools = tools.names;
  } else if (mcp.auth === "oauth") {
    checks.push(...(await oauthChecks(target, ctx, mcp.challenge)));
    if (ctx.token) {
      const tools = await authorizedTools(target, ctx);
      checks.push(tools.check);
      liveTools = tools.names;
    } else {
      checks.push(
        skip(
          "mcp.tools",
          "/mcp needs a token: Smithery asks you to authorize its scan (pass --token to list the tools here)",
        ),
      );
    }
  } else {
    checks.push(skip("oauth.discovery", "not checked: /mcp gave no answer that says whether it needs a token"));
  }
  if (mcp.auth === "none") checks.splice(2, 0, skip("oauth.discovery", "not needed: /mcp answered without a token"));

  checks.push(...(await cardChecks(target, ctx, mcp.auth, liveTools)));
  return report(input, target, mcp.auth, checks, ctx.userAgent);
}

function report(
  input: string,
  target: Target | undefined,
  auth: PreflightReport["auth"],
  checks: Check[],
  userAgent: string,
): PreflightReport {
  const counts: Record<Status, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const check of checks) counts[check.status]++;
  return { input, target, userAgent, auth, checks, ok: counts.fail === 0, counts };
}

/**
 * The base URL, or the MCP URL itself: `https://host` means `https://host/mcp` (this template's
 * endpoint); any other path is taken as the endpoint. No scheme: http for localhost, else https.
 */
export function resolveTarget(input: string): Target | string {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)
    ? trimmed
    : `${/^(localhost|127\.|\[::1\])/i.test(trimmed) ? "http" : "https"}://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return `"${input}" is not a URL`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `"${input}" is not an http(s) URL`;
  url.hash = "";
  if (url.pathname === "/") url.pathname = "/mcp";
  return {
    mcpUrl: url.href,
    resource: url.origin + url.pathname,
    cardUrl: `${url.origin}/.well-known/mcp/server-card.json`,
    origin: url.origin,
  };
}

function checkHttps(target: Target): Check {
  const url = new URL(target.mcpUrl);
  if (url.protocol === "https:") return pass("target.https", `${url.origin} is served over https`);
  if (isLoopback(url.hostname)) {
    return pass("target.https", `${url.hostname} is local, so http is fine here; publish the https URL of your deploy`);
  }
  return fail(
    "target.https",
    "not-https",
    `${target.mcpUrl} is plain http on a public host`,
    "Smithery publishes https URLs only: deploy (npm run deploy) and check the https URL it prints.",
  );
}

/** A 403 or a Cloudflare page, explained; undefined when the answer is something else. */
function refusal(id: CheckId, exchange: Exchange, fix403: string): Check | undefined {
  const verdict = cloudflareVerdict(exchange);
  const where = `${exchange.url} answered ${exchange.status}`;
  if (verdict === "challenge") {
    const sign = /challenge/i.test(exchange.headers.get("cf-mitigated") ?? "")
      ? "cf-mitigated: challenge"
      : "a “Just a moment…” challenge page";
    return fail(
      id,
      "cloudflare-challenge",
      `${where} with ${sign}: Cloudflare Bot Fight Mode (or Super Bot Fight Mode, or a challenge rule) stopped SmitheryBot, which runs no JavaScript and cannot pass a challenge`,
      FIX.challenge,
    );
  }
  if (verdict === "block") {
    return fail(
      id,
      "cloudflare-block",
      `${where} with Cloudflare's block page: a WAF or IP rule refused SmitheryBot`,
      FIX.block,
    );
  }
  if (exchange.status === 403) {
    const body = excerpt(exchange.text);
    return fail(id, "forbidden", `${where} Forbidden${body ? ` (${body})` : ""}`, fix403);
  }
  return undefined;
}

function unreachable(id: CheckId, url: string, outcome: Extract<Outcome, { ok: false }>): Check {
  const local = isLoopback(new URL(url).hostname);
  return fail(
    id,
    outcome.error.startsWith("no answer within") ? "timeout" : "unreachable",
    `${url}: ${outcome.error}`,
    local
      ? "Start the server (npm run dev) and check the port."
      : "Check the URL, that the Worker is deployed (npm run deploy), and that its DNS name resolves.",
  );
}

const RPC_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

function rpc(id: number | undefined, method: string, params?: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, ...(params ? { params } : {}) });
}

const INITIALIZE = rpc(1, "initialize", {
  protocolVersion: LATEST_PROTOCOL_VERSION,
  capabilities: {},
  clientInfo: { name: "smithery-preflight", version: "1.0.0" },
});

function prmUrlFor(target: Target): string {
  const path = new URL(target.resource).pathname;
  return `${target.origin}/.well-known/oauth-protected-resource${path === "/" ? "" : path}`;
}

interface McpProbe {
  check: Check;
  auth: PreflightReport["auth"];
  session?: McpSession;
  challenge?: Record<string, string>;
}

/** The scanner's first request: initialize, without a token. */
async function probeMcp(target: Target, ctx: Context): Promise<McpProbe> {
  const outcome = await send(
    target.mcpUrl,
    { method: "POST", redirect: "manual", headers: RPC_HEADERS, body: INITIALIZE },
    { ...ctx, rpcId: 1 },
  );
  if (!outcome.ok) return { check: unreachable("mcp.endpoint", target.mcpUrl, outcome), auth: "unknown" };
  const ex = outcome.exchange;

  const refused = refusal("mcp.endpoint", ex, FIX.forbiddenMcp(prmUrlFor(target)));
  if (refused) {
    if (refused.problem === "forbidden") {
      refused.detail += ". Smithery starts OAuth discovery only on a 401, so a 403 fails the scan: return 401, not 403";
    }
    return { check: refused, auth: "unknown" };
  }

  if (ex.status === 401) {
    const challenge = bearerChallenge(ex.headers.get("WWW-Authenticate"));
    if (!challenge?.resource_metadata) {
      const seen = ex.headers.get("WWW-Authenticate");
      return {
        auth: "oauth",
        challenge,
        check: fail(
          "mcp.endpoint",
          "no-resource-metadata",
          `${target.mcpUrl} answered 401, but ${seen ? `its WWW-Authenticate (${seen}) has no resource_metadata` : "without a WWW-Authenticate header"}: Smithery cannot find the OAuth metadata`,
          FIX.noResourceMetadata(prmUrlFor(target)),
        ),
      };
    }
    return {
      auth: "oauth",
      challenge,
      check: pass(
        "mcp.endpoint",
        `401 with WWW-Authenticate: Bearer resource_metadata="${challenge.resource_metadata}": OAuth discovery can start`,
      ),
    };
  }

  const failed = httpFailure("mcp.endpoint", ex);
  if (failed) return { check: failed, auth: "unknown" };

  const result = rpcResult("mcp.endpoint", "initialize", ex, InitializeResultSchema);
  if (!result.ok) return { check: result.check, auth: "unknown" };
  const init = result.value;
  return {
    auth: "none",
    session: { protocolVersion: init.protocolVersion, sessionId: ex.headers.get("Mcp-Session-Id") },
    check: pass(
      "mcp.endpoint",
      `initialize answered without a token: ${init.serverInfo.name} ${init.serverInfo.version}, protocol ${init.protocolVersion}`,
    ),
  };
}

/** Statuses other than 2xx, 401 and 403 (handled before), as a failed check. */
function httpFailure(id: CheckId, ex: Exchange): Check | undefined {
  if (ex.status >= 200 && ex.status < 300) return undefined;
  const body = excerpt(ex.text);
  const seen = `${ex.url} answered ${ex.status}${body ? `: ${body}` : ""}`;
  if (ex.status >= 300 && ex.status < 400) {
    const location = ex.headers.get("Location");
    return fail(
      id,
      "redirect",
      `${ex.url} redirects (${ex.status}) to ${location ?? "(no Location)"}`,
      "Publish the URL the redirect leads to: the scanner posts to the URL you give it and does not follow redirects.",
    );
  }
  if (ex.status === 404 || ex.status === 405) {
    return fail(
      id,
      "not-mcp-endpoint",
      seen,
      "Point at the Streamable HTTP endpoint that takes POSTed JSON-RPC (this template's is /mcp).",
    );
  }
  if (ex.status === 429) {
    return fail(
      id,
      "rate-limited",
      seen,
      "A rate limit refused the scanner: exempt the User-Agent SmitheryBot, or raise the limit.",
    );
  }
  if (ex.status >= 500) {
    return fail(
      id,
      "server-error",
      seen,
      "The server failed: read its logs (npx wrangler tail for a deployed Worker).",
    );
  }
  return fail(
    id,
    "http-error",
    seen,
    "The scanner sends a plain MCP initialize (POST, application/json, Accept: application/json, text/event-stream): accept it.",
  );
}

type RpcResult<T> = { ok: true; value: T } | { ok: false; check: Check };

/** The `result` of a JSON-RPC answer, checked against the SDK's schema for it. */
function rpcResult<T>(id: CheckId, method: string, ex: Exchange, schema: Parser<T>): RpcResult<T> {
  const message = ex.json;
  if (!isObject(message) || message.jsonrpc !== "2.0") {
    const type = ex.headers.get("Content-Type") ?? "no Content-Type";
    return {
      ok: false,
      check: fail(
        id,
        "not-json-rpc",
        `${method} got ${ex.status} (${type}) that is not a JSON-RPC answer: ${excerpt(ex.text) || "(empty)"}`,
        "Serve MCP over Streamable HTTP at this URL: answer a POSTed JSON-RPC request with JSON or an SSE stream.",
      ),
    };
  }
  if (message.error !== undefined) {
    const error = isObject(message.error) ? message.error : {};
    return {
      ok: false,
      check: fail(
        id,
        "rpc-error",
        `${method} failed: ${String(error.message ?? JSON.stringify(message.error))} (code ${String(error.code)})`,
        "Fix the server so that this request succeeds without any settings: Smithery's scanner sends none.",
      ),
    };
  }
  const parsed = schema.safeParse(message.result);
  if (!parsed.success) {
    return {
      ok: false,
      check: fail(
        id,
        "invalid-result",
        `${method} answered a result that is not what MCP specifies: ${issues(parsed.error)}`,
        "Answer with the shape the MCP specification gives (the SDK's types).",
      ),
    };
  }
  return { ok: true, value: parsed.data };
}

function issues(error: { issues: Issue[] }, label?: (path: PropertyKey[]) => string): string {
  const list = error.issues
    .slice(0, 5)
    .map((i) => `${label ? label(i.path) : i.path.join(".") || "(root)"}: ${i.message}`);
  return list.join("; ") + (error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : "");
}

interface ToolListing {
  check: Check;
  names?: string[];
}

/** notifications/initialized, then tools/list (every page), as a client does after initialize. */
async function listTools(target: Target, ctx: Context, session: McpSession): Promise<ToolListing> {
  const headers: Record<string, string> = { ...RPC_HEADERS, "MCP-Protocol-Version": session.protocolVersion };
  if (session.sessionId) headers["Mcp-Session-Id"] = session.sessionId;
  if (session.authorization) headers.Authorization = session.authorization;
  const post = (id: number | undefined, method: string, params?: unknown) =>
    send(
      target.mcpUrl,
      { method: "POST", redirect: "manual", headers, body: rpc(id, method, params) },
      { ...ctx, rpcId: id },
    );

  try {
    await post(undefined, "notifications/initialized");
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const outcome = await post(2 + page, "tools/list", cursor ? { cursor } : undefined);
      if (!outcome.ok) return { check: unreachable("mcp.tools", target.mcpUrl, outcome) };
      const failed = httpFailure("mcp.tools", outcome.exchange);
      if (failed) return { check: failed };
      const result = rpcResult("mcp.tools", "tools/list", outcome.exchange, ListToolsResultSchema);
      if (!result.ok) {
        // Name the tool whose shape is wrong rather than its index.
        const raw = outcome.exchange.json as { result?: { tools?: { name?: unknown }[] } };
        result.check.detail = result.check.detail.replace(
          /tools\.(\d+)\./g,
          (_, i) => `tool ${String(raw.result?.tools?.[Number(i)]?.name ?? `#${i}`)}: `,
        );
        return { check: result.check };
      }
      tools.push(...result.value.tools);
      cursor = result.value.nextCursor;
      if (!cursor) break;
    }
    const names = tools.map((t) => t.name);
    if (names.length === 0) {
      return {
        names,
        check: warn(
          "mcp.tools",
          "no-tools",
          "tools/list answered with no tools",
          "Smithery lists a server's tools: add one (a file in src/mcp/tools/).",
        ),
      };
    }
    return {
      names,
      check: pass(
        "mcp.tools",
        `${names.length} tool${names.length === 1 ? "" : "s"}, each a valid MCP Tool: ${names.join(", ")}`,
      ),
    };
  } finally {
    // A stateful server keeps a session per initialize: end it, as a polite client does.
    if (session.sessionId) await send(target.mcpUrl, { method: "DELETE", headers }, ctx).catch(() => {});
  }
}

/** With --token: initialize and tools/list as an authorized client. */
async function authorizedTools(target: Target, ctx: Context): Promise<ToolListing> {
  const authorization = `Bearer ${ctx.token}`;
  const outcome = await send(
    target.mcpUrl,
    { method: "POST", redirect: "manual", headers: { ...RPC_HEADERS, Authorization: authorization }, body: INITIALIZE },
    { ...ctx, rpcId: 1 },
  );
  if (!outcome.ok) return { check: unreachable("mcp.tools", target.mcpUrl, outcome) };
  const ex = outcome.exchange;
  if (ex.status === 401 || ex.status === 403) {
    const why = bearerChallenge(ex.headers.get("WWW-Authenticate"))?.error ?? `HTTP ${ex.status}`;
    return {
      check: fail(
        "mcp.tools",
        "token-refused",
        `the token given with --token was refused (${why})`,
        "Get a fresh access token (the OAuth flow), or leave --token out.",
      ),
    };
  }
  const failed = httpFailure("mcp.tools", ex);
  if (failed) return { check: failed };
  const result = rpcResult("mcp.tools", "initialize", ex, InitializeResultSchema);
  if (!result.ok) return { check: result.check };
  return listTools(target, ctx, {
    protocolVersion: result.value.protocolVersion,
    sessionId: ex.headers.get("Mcp-Session-Id"),
    authorization,
  });
}

async function getJson(url: string, ctx: Context, headers: Record<string, string> = {}): Promise<Outcome> {
  return send(url, { method: "GET", headers: { Accept: "application/json", ...headers } }, ctx);
}

/** RFC 9728 then RFC 8414 (or OpenID) metadata, as an MCP client discovers them after the 401. */
async function oauthChecks(
  target: Target,
  ctx: Context,
  challenge: Record<string, string> | undefined,
): Promise<Check[]> {
  const checks: Check[] = [];
  const declared = challenge?.resource_metadata;
  const prmUrl = declared ?? prmUrlFor(target);
  const outcome = await getJson(prmUrl, ctx);
  const prm = protectedResource(target, prmUrl, outcome, declared !== undefined);
  checks.push(prm.check);

  const root = `${target.origin}/.well-known/oauth-protected-resource`;
  if (root !== prmUrl) {
    const rootOutcome = await getJson(root, ctx);
    const ok = rootOutcome.ok && rootOutcome.exchange.status === 200 && isObject(rootOutcome.exchange.json);
    checks.push(
      ok
        ? pass("oauth.root-metadata", `${root} answers too`)
        : warn(
            "oauth.root-metadata",
            "root-metadata-missing",
            `${root} ${rootOutcome.ok ? `answered ${rootOutcome.exchange.status}` : `failed: ${rootOutcome.error}`}`,
            "Some clients probe the root well-known URL first: serve the same metadata there.",
          ),
    );
  }

  if (!prm.issuer) {
    checks.push(skip("oauth.authorization-server", "not checked: it needs the protected-resource metadata"));
    return checks;
  }
  checks.push(...(await authorizationServer(prm.issuer, ctx)));
  return checks;
}

function protectedResource(
  target: Target,
  prmUrl: string,
  outcome: Outcome,
  declared: boolean,
): { check: Check; issuer?: string } {
  const id = "oauth.protected-resource";
  if (!outcome.ok) return { check: unreachable(id, prmUrl, outcome) };
  const ex = outcome.exchange;
  const refused = refusal(id, ex, FIX.forbiddenPublic);
  if (refused) return { check: refused };
  if (ex.status !== 200 || !isObject(ex.json)) {
    const seen =
      ex.status === 200 ? `200 with something that is not a JSON object: ${excerpt(ex.text)}` : `${ex.status}`;
    return { check: fail(id, "metadata-missing", `${prmUrl} answered ${seen}`, FIX.prm(target.resource)) };
  }
  const meta = ex.json;
  const servers = Array.isArray(meta.authorization_servers)
    ? meta.authorization_servers.filter((s): s is string => typeof s === "string" && s.length > 0)
    : [];
  const issuer = servers[0];
  const source = declared ? "" : " (found at the well-known URL; the 401 did not name it)";
  if (meta.resource !== target.resource) {
    return {
      issuer,
      check: fail(
        id,
        "resource-mismatch",
        `${prmUrl} says resource is ${JSON.stringify(meta.resource)}, but the MCP URL is "${target.resource}"`,
        FIX.resourceMismatch,
      ),
    };
  }
  if (!issuer) {
    return {
      check: fail(id, "no-authorization-servers", `${prmUrl} lists no authorization_servers`, FIX.prm(target.resource)),
    };
  }
  const plain = [prmUrl, ...servers].filter(insecure);
  if (plain.length > 0)
    return { issuer, check: fail(id, "insecure-url", `not https: ${plain.join(", ")}`, FIX.insecure) };
  return {
    issuer,
    check: pass(id, `resource "${meta.resource}", authorization server ${servers.join(", ")}${source}`),
  };
}

/** Where RFC 8414 and OpenID Connect discovery look for an issuer's metadata, in the MCP spec's order. */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, "");
  return path
    ? [
        `${url.origin}/.well-known/oauth-authorization-server${path}`,
        `${url.origin}/.well-known/openid-configuration${path}`,
        `${url.origin}${path}/.well-known/openid-configuration`,
      ]
    : [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
}

async function authorizationServer(issuer: string, ctx: Context): Promise<Check[]> {
  const id = "oauth.authorization-server";
  let urls: string[];
  try {
    urls = authorizationServerMetadataUrls(issuer);
  } catch {
    return [
      fail(
        id,
        "invalid-issuer",
        `the authorization server ${JSON.stringify(issuer)} is not a URL`,
        "List the issuer's URL in authorization_servers.",
      ),
    ];
  }
  const tried: string[] = [];
  let meta: Record<string, unknown> | undefined;
  let metaUrl = "";
  for (const url of urls) {
    const outcome = await getJson(url, ctx);
    if (outcome.ok) {
      const refused = refusal(id, outcome.exchange, FIX.forbiddenPublic);
      if (refused) return [refused];
      if (outcome.exchange.status === 200 && isObject(outcome.exchange.json)) {
        meta = outcome.exchange.json;
        metaUrl = url;
        break;
      }
    }
    tried.push(`${url} (${outcome.ok ? outcome.exchange.status : outcome.error})`);
  }
  if (!meta) {
    return [
      fail(
        id,
        "metadata-missing",
        `no metadata for issuer ${issuer}: tried ${tried.join(", ")}`,
        "Serve RFC 8414 metadata at /.well-known/oauth-authorization-server on the issuer (this template does when MCP_AUTH=oauth).",
      ),
    ];
  }

  const checks: Check[] = [];
  const endpoints = ["authorization_endpoint", "token_endpoint", "registration_endpoint"]
    .map((k) => meta[k])
    .filter((v): v is string => typeof v === "string");
  if (meta.issuer !== issuer) {
    checks.push(
      fail(
        id,
        "issuer-mismatch",
        `${metaUrl} says issuer is ${JSON.stringify(meta.issuer)}, not "${issuer}"`,
        "The metadata's issuer must be exactly the URL listed in authorization_servers (RFC 8414 §3.3).",
      ),
    );
  } else if (typeof meta.authorization_endpoint !== "string" || typeof meta.token_endpoint !== "string") {
    checks.push(
      fail(
        id,
        "metadata-incomplete",
        `${metaUrl} lacks authorization_endpoint or token_endpoint`,
        "Publish both endpoints in the metadata.",
      ),
    );
  } else if (endpoints.some(insecure)) {
    checks.push(fail(id, "insecure-url", `not https: ${endpoints.filter(insecure).join(", ")}`, FIX.insecure));
  } else {
    checks.push(pass(id, `${metaUrl}: issuer ${issuer}`));
  }

  const methods = Array.isArray(meta.code_challenge_methods_supported) ? meta.code_challenge_methods_supported : [];
  checks.push(
    methods.includes("S256")
      ? pass("oauth.pkce", `code_challenge_methods_supported: ${methods.join(", ")}`)
      : fail(
          "oauth.pkce",
          "no-s256",
          `code_challenge_methods_supported is ${JSON.stringify(meta.code_challenge_methods_supported ?? null)}`,
          'Advertise "S256" in code_challenge_methods_supported: MCP clients refuse an authorization server that does not.',
        ),
  );
  checks.push(
    meta.client_id_metadata_document_supported === true
      ? pass("oauth.cimd", "client_id_metadata_document_supported: true")
      : fail(
          "oauth.cimd",
          "no-cimd",
          `client_id_metadata_document_supported is ${JSON.stringify(meta.client_id_metadata_document_supported ?? null)}`,
          "Smithery registers through a Client ID Metadata Document (its client_id is an https URL): enable CIMD and advertise client_id_metadata_document_supported: true.",
        ),
  );
  checks.push(
    typeof meta.registration_endpoint === "string"
      ? pass("oauth.registration", `registration_endpoint: ${meta.registration_endpoint}`)
      : warn(
          "oauth.registration",
          "no-registration",
          "no registration_endpoint",
          "Smithery does not need it, but clients without CIMD support (older SDKs, some IDEs) register by RFC 7591: offer it.",
        ),
  );
  return checks;
}

const LIST_SCHEMAS = {
  resources: ResourceSchema,
  resourceTemplates: ResourceTemplateSchema,
  prompts: PromptSchema,
} as const;

async function cardChecks(
  target: Target,
  ctx: Context,
  auth: PreflightReport["auth"],
  liveTools: string[] | undefined,
): Promise<Check[]> {
  const outcome = await getJson(target.cardUrl, ctx);
  if (!outcome.ok) return [unreachable("card.reachable", target.cardUrl, outcome)];
  const ex = outcome.exchange;
  const refused = refusal("card.reachable", ex, FIX.forbiddenPublic);
  if (refused) return [refused];
  if (ex.status === 401) {
    return [
      fail(
        "card.reachable",
        "card-needs-auth",
        `${target.cardUrl} answered 401: the card asks for a token`,
        FIX.cardPublic,
      ),
    ];
  }
  if (ex.status === 404)
    return [fail("card.reachable", "card-missing", `${target.cardUrl} answered 404`, FIX.cardMissing)];
  if (ex.status !== 200) {
    return [
      fail(
        "card.reachable",
        "card-http-error",
        `${target.cardUrl} answered ${ex.status}: ${excerpt(ex.text)}`,
        FIX.cardMissing,
      ),
    ];
  }
  const checks: Check[] = [pass("card.reachable", `200 at ${target.cardUrl}, without a token`)];

  const type = ex.headers.get("Content-Type") ?? "";
  if (!isObject(ex.json)) {
    checks.push(
      fail(
        "card.json",
        "card-invalid-json",
        `the card is not a JSON object (${type || "no Content-Type"}): ${excerpt(ex.text) || "(empty)"}`,
        FIX.cardFormat,
      ),
    );
    return checks;
  }
  checks.push(
    /\bjson\b/i.test(type)
      ? pass("card.json", `a JSON object (${type})`)
      : warn(
          "card.json",
          "card-content-type",
          `valid JSON, but served as ${type || "no Content-Type"}`,
          "Serve the card as application/json.",
        ),
  );
  const card = ex.json;

  const info = ImplementationSchema.safeParse(card.serverInfo);
  checks.push(
    info.success
      ? pass("card.server-info", `${info.data.name} ${info.data.version}`)
      : fail(
          "card.server-info",
          card.serverInfo === undefined ? "card-no-server-info" : "card-invalid-server-info",
          card.serverInfo === undefined
            ? "the card has no serverInfo, the one field Smithery requires"
            : `serverInfo is not valid: ${issues(info.error)}`,
          `Give the card "serverInfo": {"name": …, "version": …}. ${FIX.cardFormat}`,
        ),
  );

  checks.push(cardTools(card.tools, auth, liveTools));
  checks.push(cardLists(card));
  checks.push(cardAuth(card.authentication, auth));

  const cors = await getJson(target.cardUrl, ctx, { Origin: "https://smithery.ai" });
  const allowed = cors.ok ? cors.exchange.headers.get("Access-Control-Allow-Origin") : null;
  checks.push(
    allowed === "*" || allowed === "https://smithery.ai"
      ? pass("card.cors", `Access-Control-Allow-Origin: ${allowed}`)
      : warn(
          "card.cors",
          "card-no-cors",
          `no Access-Control-Allow-Origin for https://smithery.ai (${allowed ?? "none"})`,
          "Send Access-Control-Allow-Origin: * with the card, so that browser-based clients and registries can read it.",
        ),
  );
  return checks;
}

function cardTools(tools: unknown, auth: PreflightReport["auth"], liveTools: string[] | undefined): Check {
  const id = "card.tools";
  if (tools === undefined) {
    return auth === "oauth"
      ? warn(
          id,
          "card-no-tools",
          "the card lists no tools",
          "Behind sign-in, the card is how Smithery shows your tools before anyone authorizes the scan: list them.",
        )
      : skip(id, "the card lists no tools (the scan reads them from tools/list)");
  }
  if (!Array.isArray(tools)) return fail(id, "card-invalid-tools", "tools is not an array", FIX.cardFormat);
  const problems: string[] = [];
  tools.forEach((tool, i) => {
    const parsed = ToolSchema.safeParse(tool);
    if (!parsed.success) {
      const name = isObject(tool) && typeof tool.name === "string" ? tool.name : `#${i}`;
      problems.push(`tool ${name}: ${issues(parsed.error)}`);
    }
  });
  if (problems.length > 0) {
    return fail(
      id,
      "card-invalid-tools",
      problems.join("; "),
      `Each tool needs a name and an inputSchema of type "object" (the MCP Tool shape). ${FIX.cardFormat}`,
    );
  }
  const names = tools.map((t) => (t as { name: string }).name);
  if (liveTools) {
    const missing = liveTools.filter((n) => !names.includes(n));
    const extra = names.filter((n) => !liveTools.includes(n));
    if (missing.length || extra.length) {
      return warn(
        id,
        "card-stale",
        `the card and tools/list differ${missing.length ? `; not on the card: ${missing.join(", ")}` : ""}${extra.length ? `; not served: ${extra.join(", ")}` : ""}`,
        "Regenerate or update the card so that it matches the server.",
      );
    }
  }
  return pass(id, `${names.length} tool${names.length === 1 ? "" : "s"}, each a valid MCP Tool`);
}

function cardLists(card: Record<string, unknown>): Check {
  const id = "card.lists";
  const problems: string[] = [];
  const present: string[] = [];
  for (const [key, schema] of Object.entries(LIST_SCHEMAS)) {
    const list = card[key];
    if (list === undefined) continue;
    present.push(`${key}: ${Array.isArray(list) ? list.length : "?"}`);
    if (!Array.isArray(list)) {
      problems.push(`${key} is not an array`);
      continue;
    }
    list.forEach((item, i) => {
      const parsed = (schema as Parser<unknown>).safeParse(item);
      if (!parsed.success) problems.push(`${key} #${i}: ${issues(parsed.error)}`);
    });
  }
  if (problems.length > 0) return fail(id, "card-invalid-lists", problems.join("; "), FIX.cardFormat);
  return present.length ? pass(id, present.join(", ")) : skip(id, "the card lists no resources or prompts");
}

function cardAuth(authentication: unknown, auth: PreflightReport["auth"]): Check {
  const id = "card.auth";
  const required = isObject(authentication) ? authentication.required : undefined;
  if (auth === "unknown") return skip(id, "not checked: /mcp gave no answer that says whether it needs a token");
  if (auth === "oauth" && required !== true) {
    return fail(
      id,
      "card-auth-mismatch",
      `/mcp answered 401, but the card says authentication.required is ${JSON.stringify(required ?? null)}`,
      'Say "authentication": {"required": true, "schemes": ["oauth2"]} on the card, so Smithery knows users must sign in.',
    );
  }
  if (auth === "none" && required === true) {
    return fail(
      id,
      "card-auth-mismatch",
      "/mcp answered without a token, but the card says authentication.required is true",
      'Say "authentication": {"required": false} on the card, or turn authentication on.',
    );
  }
  return pass(
    id,
    `authentication.required is ${JSON.stringify(required ?? null)}, and /mcp ${auth === "oauth" ? "asks for a token" : "needs none"}`,
  );
}
