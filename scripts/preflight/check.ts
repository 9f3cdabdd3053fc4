import type { Fetch } from "./http.ts";

/** What a check reports, what a run reports, and the helpers that build a check. */

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
  health: "Health check (GET /health)",
} as const;

export type CheckId = keyof typeof TITLES;

export const pass = (id: CheckId, detail: string): Check => ({ id, title: TITLES[id], status: "pass", detail });
export const skip = (id: CheckId, detail: string): Check => ({ id, title: TITLES[id], status: "skip", detail });
export const fail = (id: CheckId, problem: string, detail: string, fix: string): Check => ({
  id,
  title: TITLES[id],
  status: "fail",
  detail,
  problem,
  fix,
});
export const warn = (id: CheckId, problem: string, detail: string, fix: string): Check => ({
  ...fail(id, problem, detail, fix),
  status: "warn",
});

/** What every check is given: how to send, as whom, how long to wait, and the --token. */
export interface Context {
  fetch: Fetch;
  userAgent: string;
  timeoutMs: number;
  token: string | undefined;
}

/** The run's result: every check, counted; ok unless one failed. */
export function report(
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
