import { serverInfo } from "../server/info.js";
import { type Config, ConfigError, getConfig } from "./config.js";
import { isLoopback } from "./loopback.js";
import { PROTOCOL_REVISIONS } from "./revisions.js";

/**
 * GET /health, for uptime monitors and load balancers: 200 when this deployment is configured and
 * serving, 503 naming what is wrong — a setting, a binding, a sign-in secret — by name only, never
 * its value. It reads nothing but `env`: no KV, no Durable Object, no MCP SDK (checking those
 * would make every probe cost what a request costs, and a store that is briefly slow answer
 * "down"); whether a binding is bound is what a deploy can get wrong. Never cached.
 */
export function health(request: Request, env: Env, partBindings: readonly string[] = []): Response {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return Response.json(
      { error: "method_not_allowed", message: "/health takes GET and HEAD" },
      { status: 405, headers: { ...HEADERS, Allow: "GET, HEAD" } },
    );
  }
  const problems: Problem[] = [];
  let config: Config | undefined;
  try {
    config = getConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const setting of error.settings) problems.push({ setting });
  }
  const auth = config?.auth ?? authFrom(env);

  const bindings: Record<string, boolean> = {};
  const needed: [string, (value: unknown) => boolean][] = [
    ["ASSETS", isFetcher],
    // The optional parts' Durable Objects (src/template/optional/): MAILBOX while questions is there.
    ...partBindings.map((name): [string, (value: unknown) => boolean] => [name, isNamespace]),
    ...(auth === "oauth"
      ? ([
          ["OAUTH_KV", isKv],
          ["RATE_LIMITER", isNamespace],
          ["REFRESH_GUARD", isNamespace],
        ] as [string, (value: unknown) => boolean][])
      : []),
  ];
  for (const [name, is] of needed) {
    bindings[name] = is((env as unknown as Record<string, unknown>)[name]);
    if (!bindings[name]) problems.push({ binding: name });
  }
  if (config?.auth === "oauth") {
    for (const secret of missingSignInSecrets(config, request)) problems.push({ secret });
  }

  const ok = problems.length === 0;
  const body = {
    status: ok ? "ok" : "misconfigured",
    name: serverInfo.name,
    version: serverInfo.version,
    protocolRevisions: PROTOCOL_REVISIONS,
    ...(auth && { auth }),
    bindings,
    // Per-caller limits that are on (docs/production.md): none with RATE_LIMITS=off, and not one
    // whose block was deleted from wrangler.toml.
    rateLimits:
      config?.rateLimits === "off"
        ? []
        : Object.keys(env).filter((name) => isRateLimit((env as unknown as Record<string, unknown>)[name])),
    ...(!ok && { problems }),
  };
  const response = Response.json(body, { status: ok ? 200 : 503, headers: HEADERS });
  return request.method === "HEAD" ? new Response(null, response) : response;
}

/** A part that is wrong, by kind and name. */
type Problem = { setting: string } | { binding: string } | { secret: string };

const HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

/** MCP_AUTH as the settings would read it, when another setting is what is wrong. */
function authFrom(env: Env): "oauth" | "none" | undefined {
  const raw = env.MCP_AUTH ?? "";
  if (raw === "") return "oauth";
  return raw === "oauth" || raw === "none" ? raw : undefined;
}

/**
 * The secrets the sign-in AUTH_IDENTITY names needs and does not have: without them nobody can
 * sign in. On localhost the passphrase may be missing (wrangler dev prints a one-time code instead).
 */
function missingSignInSecrets(config: Config, request: Request): string[] {
  const { identity, secrets } = config.oauth;
  if (identity === "passphrase") {
    return secrets.passphrase || isLoopback(new URL(request.url).hostname) ? [] : ["AUTH_PASSPHRASE"];
  }
  return [
    ...(secrets.upstreamClientId ? [] : ["UPSTREAM_CLIENT_ID"]),
    ...(secrets.upstreamClientSecret ? [] : ["UPSTREAM_CLIENT_SECRET"]),
  ];
}

const has = (value: unknown, ...methods: string[]) =>
  typeof value === "object" &&
  value !== null &&
  methods.every((m) => typeof (value as Record<string, unknown>)[m] === "function");
const isKv = (value: unknown) => has(value, "get", "put", "list");
const isNamespace = (value: unknown) => has(value, "idFromName", "get");
const isFetcher = (value: unknown) => has(value, "fetch");
// A service binding answers any method name (RPC), so a rate limit is one with `limit` and no `fetch`.
const isRateLimit = (value: unknown) => has(value, "limit") && !has(value, "fetch");
