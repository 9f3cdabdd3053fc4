import { serverInfo } from "../server/info.js";
import { isLoopback } from "./loopback.js";

/** Secrets are not in wrangler.toml, so `wrangler types` cannot know them. */
export interface Secrets {
  AUTH_PASSPHRASE?: string;
  UPSTREAM_CLIENT_ID?: string;
  UPSTREAM_CLIENT_SECRET?: string;
  /** Seals multi round-trip requestState (src/template/mcp/request-state.ts); at least 32 bytes. */
  REQUEST_STATE_SECRET?: string;
  /** Keys the user id in each /mcp log line (src/template/observe/user-id.ts); at least 32 bytes. */
  LOG_USER_SECRET?: string;
}

// What each setting must be, as a check: a function from the variable's raw value (a string, or
// what wrangler.toml holds unquoted) to the setting, which reports what is wrong with `issue`.
// Plain functions rather than Zod schemas: every new isolate reads the settings on its first
// request, and building some fifteen Zod schemas for it cost more CPU than the rest of that
// request's own work (docs/performance.md). A check runs only when its setting is read.

/** What a check reports a problem with: the message, and where in a list value it is. */
type Issue = (message: string, index?: number) => void;
/** A setting's check: its value from the raw variable, or `INVALID` after reporting why. */
type Check<T> = (raw: unknown, issue: Issue) => T | typeof INVALID;
const INVALID: unique symbol = Symbol("invalid");

/** A text setting's value: `fallback` when unset; anything but text (a JSON [vars] value) is refused. */
function text(raw: unknown, issue: Issue, fallback = ""): string | typeof INVALID {
  if (raw === undefined) return fallback;
  if (typeof raw === "string") return raw;
  issue(`Invalid input: expected string, received ${raw === null ? "null" : typeof raw}`);
  return INVALID;
}

/** Comma-separated values, trimmed, empty ones dropped. */
const list: Check<string[]> = (raw, issue) => {
  const value = text(raw, issue);
  if (value === INVALID) return INVALID;
  return value
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
};

/** One of `values`; unset means `fallback`. */
const oneOf =
  <T extends string>(values: readonly T[], fallback: T): Check<T> =>
  (raw, issue) => {
    if (raw === undefined) return fallback;
    if ((values as readonly unknown[]).includes(raw)) return raw as T;
    issue(`Invalid option: expected one of ${values.map((v) => JSON.stringify(v)).join("|")}`);
    return INVALID;
  };

/** Comma-separated http(s) origins. */
const origins: Check<ReadonlySet<string>> = (raw, issue) => {
  const values = list(raw, issue);
  if (values === INVALID) return INVALID;
  const found = new Set<string>();
  let ok = true;
  values.forEach((value, index) => {
    try {
      const url = new URL(value);
      if (url.protocol === "https:" || url.protocol === "http:") {
        found.add(url.origin);
        return;
      }
    } catch {}
    issue(`"${value}" is not an http(s) origin`, index);
    ok = false;
  });
  return ok ? found : INVALID;
};

// RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Scopes separated by spaces or commas, each one this server declares (src/server/info.ts): only
 * those have consent text and can be granted. Unset means `fallback`.
 */
const declaredScopes =
  (fallback: string): Check<readonly string[]> =>
  (raw, issue) => {
    const value = text(raw, issue, fallback);
    if (value === INVALID) return INVALID;
    const scopes = value.split(/[\s,]+/).filter(Boolean);
    let ok = true;
    scopes.forEach((scope, index) => {
      if (!SCOPE_TOKEN.test(scope)) issue("is not a valid OAuth scope", index);
      else if (!Object.hasOwn(serverInfo.scopes, scope))
        issue(`names ${JSON.stringify(scope)}, which src/server/info.ts does not declare in scopes`, index);
      else return;
      ok = false;
    });
    return ok ? scopes : INVALID;
  };

/**
 * A whole number in a range. Empty means the default (as for every setting), wrangler.toml may
 * have it unquoted (a number), and `0` is allowed only where it means something (`zero` says what).
 */
const wholeNumber =
  (unit: string, fallback: number, { min, max, zero }: { min: number; max: number; zero?: string }): Check<number> =>
  (raw, issue) => {
    if (typeof raw !== "number" && text(raw, issue) === INVALID) return INVALID;
    if (String(raw ?? "").trim() === "") return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && ((zero && n === 0) || (n >= min && n <= max))) return n;
    issue(
      `must be a whole number of ${unit} from ${min} to ${max}${zero ? ` (or 0: ${zero})` : ""}, e.g. ${fallback} (got "${raw}")`,
    );
    return INVALID;
  };

/** A URL setting: empty means unset; anything else must parse and pass `accept`, or `message` is the error. */
const optionalUrl =
  (accept: (url: URL) => boolean, message: string): Check<URL | undefined> =>
  (raw, issue) => {
    const value = text(raw, issue);
    if (value === INVALID) return INVALID;
    if (!value) return undefined;
    try {
      const url = new URL(value);
      if (accept(url)) return url;
    } catch {}
    issue(message);
    return INVALID;
  };

const YEAR = 365 * 86400;

/** A secret: undefined when unset or blank. */
const secret: Check<string | undefined> = (raw, issue) => {
  const value = text(raw, issue);
  return value === INVALID || value.trim() ? value : undefined;
};

/** A secret used as an HMAC key: unset, or at least 256 bits. */
const keySecret: Check<string | undefined> = (raw, issue) => {
  const value = secret(raw, issue);
  if (value === INVALID || value === undefined || new TextEncoder().encode(value).byteLength >= 32) return value;
  issue("must be at least 32 bytes long, e.g. from `openssl rand -base64 32`");
  return INVALID;
};

/** How users prove who they are on the consent page: each has a file in src/template/auth/identity/. */
export const IDENTITY_KINDS = ["passphrase", "github", "oidc"] as const;

/**
 * Every setting, once: where it comes from (a wrangler.toml var or a secret) and what it must
 * be (its check, run when the settings are read). `Config`, the type the code reads,
 * is derived from this tree; the README's configuration table documents each variable.
 */
const settings = {
  /** `oauth`: /mcp needs a bearer token from this server's OAuth flow. `none`: /mcp is public. */
  auth: setting("MCP_AUTH", oneOf(["oauth", "none"] as const, "oauth")),
  /** Canonical origin (e.g. https://mcp.example.com) or undefined to use each request's origin. */
  publicUrl: setting("PUBLIC_URL", (raw, issue) => {
    const url = optionalUrl(
      (url) => url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname)),
      "must be an https origin (http only on localhost), e.g. https://mcp.example.com",
    )(raw, issue);
    return url && url !== INVALID ? new URL(url.origin) : url;
  }),
  /** Browser origins allowed to call /mcp besides the server's own (and localhost in dev). */
  allowedOrigins: setting("ALLOWED_ORIGINS", origins),
  /** Largest request body /mcp accepts, in bytes. */
  maxBodyBytes: setting("MAX_BODY_BYTES", wholeNumber("bytes", 1024 * 1024, { min: 1024, max: 100 * 1024 * 1024 })),
  /** OAuth settings; read only when `auth` is `oauth`. */
  oauth: {
    /** How users prove who they are on the consent page (src/template/auth/identity/). */
    identity: setting("AUTH_IDENTITY", oneOf(IDENTITY_KINDS, "passphrase")),
    /** Scopes every token carries (a 401 names them), out of those src/server/info.ts declares. */
    scopes: setting("OAUTH_SCOPES", declaredScopes("mcp profile")),
    /** Access-token lifetime, seconds. The provider's floor is 60 s (KV's shortest expiry). */
    accessTokenTtl: setting("ACCESS_TOKEN_TTL", wholeNumber("seconds", 3600, { min: 60, max: YEAR })),
    /** Refresh-token lifetime, seconds (0: no refresh tokens). */
    refreshTokenTtl: setting(
      "REFRESH_TOKEN_TTL",
      wholeNumber("seconds", 30 * 86400, { min: 60, max: YEAR, zero: "no refresh tokens" }),
    ),
    /**
     * Upstream sign-in only: who may sign in; empty lets anyone in. An entry with `@` is an email
     * (lowercased) and matches only a verified email; any other entry matches only the account id
     * (a GitHub login, case-insensitively; an OIDC `sub`, exactly).
     */
    allowedUsers: setting("AUTH_ALLOWED_USERS", (raw, issue): ReadonlySet<string> | typeof INVALID => {
      const users = list(raw, issue);
      return users === INVALID ? INVALID : new Set(users.map((x) => (x.includes("@") ? x.toLowerCase() : x)));
    }),
    /** AUTH_IDENTITY=oidc: the issuer whose /.well-known/openid-configuration is used. */
    oidcIssuer: setting(
      "OIDC_ISSUER",
      optionalUrl((url) => url.protocol === "https:", "must be the https URL of an OpenID Connect issuer"),
    ),
    /** Secrets (`wrangler secret put`, or .dev.vars); undefined when not set. */
    secrets: {
      passphrase: setting("AUTH_PASSPHRASE", secret),
      upstreamClientId: setting("UPSTREAM_CLIENT_ID", secret),
      upstreamClientSecret: setting("UPSTREAM_CLIENT_SECRET", secret),
    },
  },
  /** Signs multi round-trip `requestState` (src/template/mcp/request-state.ts); undefined when not set. */
  // The SDK's codec needs a 256-bit HMAC key; `openssl rand -base64 32` gives 44 characters.
  requestStateSecret: setting("REQUEST_STATE_SECRET", keySecret),
  /** `on`: /mcp counts each caller against the [[ratelimits]] bindings (src/template/http/caller-limits.ts). */
  rateLimits: setting("RATE_LIMITS", oneOf(["on", "off"] as const, "on")),
  /** What the log line of each /mcp request carries (src/template/observe/). */
  log: {
    /** Characters of each call's arguments the line keeps; 0 (the default): none. */
    argumentChars: setting(
      "LOG_ARGUMENTS",
      wholeNumber("characters", 0, { min: 1, max: 4096, zero: "no arguments are logged" }),
    ),
    /** Keys the line's user id (an HMAC of who signed in); undefined when not set. */
    userSecret: setting("LOG_USER_SECRET", keySecret),
  },
};

/** Every variable the Worker reads (wrangler.toml [vars] and secrets), as `settings` names them. */
export const SETTING_NAMES: readonly string[] = namesIn(settings);

function namesIn(tree: Settings): string[] {
  return Object.values(tree).flatMap((node) => ("check" in node ? [node.name as string] : namesIn(node as Settings)));
}

/** Every setting the Worker reads, validated once per isolate (the shape of `settings` above). */
export type Config = Parsed<typeof settings>;
/** `oauth`: /mcp needs a bearer token from this server's OAuth flow. `none`: /mcp is public. */
export type AuthMode = Config["auth"];
export type OAuthConfig = Config["oauth"];

/** Settings that only make sense together, checked once each is valid on its own. */
function crossChecks(config: Config): Problem[] {
  if (config.auth === "oauth" && config.oauth.identity === "oidc" && !config.oauth.oidcIssuer) {
    return [{ name: "OIDC_ISSUER", message: "is required when AUTH_IDENTITY is oidc" }];
  }
  return [];
}

interface Setting<T> {
  /** The variable (wrangler.toml [vars], or a secret) the value is read from. */
  readonly name: keyof (Env & Secrets) & string;
  readonly check: Check<T>;
}
interface Settings {
  readonly [key: string]: Setting<unknown> | Settings;
}
type Parsed<T> = { readonly [K in keyof T]: T[K] extends Setting<infer V> ? V : Parsed<T[K]> };
type Problem = { name: string; message: string };

function setting<T>(name: keyof (Env & Secrets) & string, check: Check<T>): Setting<T> {
  return { name, check };
}

/** Reads every setting of `tree` from `env`; the problems name the variable (and list index). */
function parse<T extends Settings>(tree: T, env: Record<string, unknown>, problems: Problem[]): Parsed<T> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    if (!("check" in node && "name" in node)) {
      out[key] = parse(node as Settings, env, problems);
      continue;
    }
    const { name, check } = node as Setting<unknown>;
    const value = check(env[name], (message, index) =>
      problems.push({ name: index === undefined ? name : `${name}.${index}`, message }),
    );
    if (value !== INVALID) out[key] = value;
  }
  return out as Parsed<T>;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  /** The variables that are wrong, by name only: a value may be a secret (GET /health names these). */
  readonly settings: readonly string[];
  constructor(message: string, settings: readonly string[] = []) {
    super(message);
    this.settings = settings;
  }
}

const cache = new WeakMap<object, Config>();

/** Reads and validates the configuration; the result is kept for the life of the isolate. */
export function getConfig(env: Env & Secrets): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const problems: Problem[] = [];
  const config = parse(settings, env as unknown as Record<string, unknown>, problems);
  if (problems.length === 0) problems.push(...crossChecks(config));
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.name}: ${p.message}`);
    const names = [...new Set(problems.map((p) => p.name.split(".")[0]!))];
    throw new ConfigError(`Invalid configuration (wrangler.toml [vars]): ${list.join("; ")}`, names);
  }
  cache.set(env, config);
  return config;
}
