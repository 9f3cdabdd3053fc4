import { type Check, type Context, fail, type PreflightReport, pass, type Target, warn } from "./check.ts";
import { httpFailure, refusal, rpcResult, unreachable } from "./diagnose.ts";
import { FIX } from "./fixes.ts";
import { bearerChallenge, send } from "./http.ts";
import { InitializeResultSchema, LATEST_PROTOCOL_VERSION, ListToolsResultSchema, type Tool } from "./spec.ts";
import { prmUrlFor } from "./target.ts";

/** The scanner's MCP requests: initialize without a token, then tools/list (or with --token). */

/** What initialize established, for the requests that follow it. */
interface McpSession {
  protocolVersion: string;
  sessionId: string | null;
  authorization?: string;
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

export interface McpProbe {
  check: Check;
  auth: PreflightReport["auth"];
  session?: McpSession;
  challenge?: Record<string, string>;
}

/** The scanner's first request: initialize, without a token. */
export async function probeMcp(target: Target, ctx: Context): Promise<McpProbe> {
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

export interface ToolListing {
  check: Check;
  names?: string[];
}

/** notifications/initialized, then tools/list (every page), as a client does after initialize. */
export async function listTools(target: Target, ctx: Context, session: McpSession): Promise<ToolListing> {
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
      // A server with no tools offers no `tools` capability, and tools/list is then no method of
      // it (-32601): the template's answer once a fork deleted the examples. Same advice as none.
      if ((outcome.exchange.json as { error?: { code?: unknown } } | undefined)?.error?.code === -32601) break;
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
          "tools/list answered with no tools (or the server offers no tools capability)",
          "Smithery lists a server's tools: add one (a file in src/server/tools/).",
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
export async function authorizedTools(target: Target, ctx: Context): Promise<ToolListing> {
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
