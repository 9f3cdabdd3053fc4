import * as z from "zod";
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

// Each helper makes a new schema when called: the settings below build theirs on the first
// `getConfig`, not when this module is evaluated (constructing Zod schemas costs CPU, which a new
// isolate's startup should not pay; docs/performance.md, "Where startup goes").

const list = () =>
  z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    );

const origin = () =>
  z.string().transform((s, ctx) => {
    try {
      const url = new URL(s);
      if (url.protocol === "https:" || url.protocol === "http:") return url.origin;
    } catch {}
    ctx.addIssue({ code: "custom", message: `"${s}" is not an http(s) origin` });
    return z.NEVER;
  });

// RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\\`.
const scopeToken = () => z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, "is not a valid OAuth scope");
/** A scope this server declares (src/server/info.ts): only those have consent text and can be granted. */
const declaredScope = () =>
  scopeToken().refine((scope) => Object.hasOwn(serverInfo.scopes, scope), {
    error: (issue) => `names ${JSON.stringify(issue.input)}, which src/server/info.ts does not declare in scopes`,
  });

/**
 * A whole number in a range. Empty means the default (as for every setting), wrangler.toml may
 * have it unquoted (a number), and `0` is allowed only where it means something (`zero` says what).
 */
const wholeNumber = (unit: string, fallback: number, { min, max, zero }: { min: number; max: number; zero?: string }) =>
  z
    .union([z.string(), z.number()])
    .default("")
    .transform((raw, ctx) => {
      if (String(raw).trim() === "") return fallback;
      const n = Number(raw);
      if (Number.isInteger(n) && ((zero && n === 0) || (n >= min && n <= max))) return n;
      ctx.addIssue({
        code: "custom",
        message: `must be a whole number of ${unit} from ${min} to ${max}${zero ? ` (or 0: ${zero})` : ""}, e.g. ${fallback} (got "${raw}")`,
      });
      return z.NEVER;
    });

/** A URL setting: empty means unset; anything else must parse and pass `accept`, or `message` is the error. */
const optionalUrl = (accept: (url: URL) => boolean, message: string) =>
  z
    .string()
    .default("")
    .transform((s, ctx) => {
      if (!s) return undefined;
      try {
        const url = new URL(s);
        if (accept(url)) return url;
      } catch {}
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    });

const YEAR = 365 * 86400;

const secret = () =>
  z
    .string()
    .optional()
    .transform((s) => (s?.trim() ? s : undefined));

/** A secret used as an HMAC key: unset, or at least 256 bits. */
const keySecret = () =>
  secret().refine((s) => s === undefined || new TextEncoder().encode(s).byteLength >= 32, {
    message: "must be at least 32 bytes long, e.g. from `openssl rand -base64 32`",
  });

/** How users prove who they are on the consent page: each has a file in src/template/auth/identity/. */
export const IDENTITY_KINDS = ["passphrase", "github", "oidc"] as const;

/**
 * Every setting, once: where it comes from (a wrangler.toml var or a secret) and what it must
 * be (a function that builds the schema, called on first use). `Config`, the type the code reads,
 * is derived from this tree; the README's configuration table documents each variable.
 */
const settings = {
  /** `oauth`: /mcp needs a bearer token from this server's OAuth flow. `none`: /mcp is public. */
  auth: setting("MCP_AUTH", () => z.enum(["oauth", "none"]).default("oauth")),
  /** Canonical origin (e.g. https://mcp.example.com) or undefined to use each request's origin. */
  publicUrl: setting("PUBLIC_URL", () =>
    optionalUrl(
      (url) => url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname)),
      "must be an https origin (http only on localhost), e.g. https://mcp.example.com",
    ).transform((url) => url && new URL(url.origin)),
  ),
  /** Browser origins allowed to call /mcp besides the server's own (and localhost in dev). */
  allowedOrigins: setting("ALLOWED_ORIGINS", () => list().pipe(z.array(origin())).transform(readonlySet)),
  /** Largest request body /mcp accepts, in bytes. */
  maxBodyBytes: setting("MAX_BODY_BYTES", () =>
    wholeNumber("bytes", 1024 * 1024, { min: 1024, max: 100 * 1024 * 1024 }),
  ),
  /** OAuth settings; read only when `auth` is `oauth`. */
  oauth: {
    /** How users prove who they are on the consent page (src/template/auth/identity/). */
    identity: setting("AUTH_IDENTITY", () => z.enum(IDENTITY_KINDS).default("passphrase")),
    /** Scopes every token carries (a 401 names them), out of those src/server/info.ts declares. */
    scopes: setting("OAUTH_SCOPES", () =>
      z
        .string()
        .default("mcp profile")
        .transform((s) => s.split(/[\s,]+/).filter(Boolean))
        .pipe(z.array(declaredScope()))
        .transform((scopes): readonly string[] => scopes),
    ),
    /** Access-token lifetime, seconds. The provider's floor is 60 s (KV's shortest expiry). */
    accessTokenTtl: setting("ACCESS_TOKEN_TTL", () => wholeNumber("seconds", 3600, { min: 60, max: YEAR })),
    /** Refresh-token lifetime, seconds (0: no refresh tokens). */
    refreshTokenTtl: setting("REFRESH_TOKEN_TTL", () =>
      wholeNumber("seconds", 30 * 86400, { min: 60, max: YEAR, zero: "no refresh tokens" }),
    ),
    /**
     * Upstream sign-in only: who may sign in; empty lets anyone in. An entry with `@` is an email
     * (lowercased) and matches only a verified email; any other entry matches only the account id
     * (a GitHub login, case-insensitively; an OIDC `sub`, exactly).
     */
    allowedUsers: setting("AUTH_ALLOWED_USERS", () =>
      list().transform((xs) => readonlySet(xs.map((x) => (x.includes("@") ? x.toLowerCase() : x)))),
    ),
    /** AUTH_IDENTITY=oidc: the issuer whose /.well-known/openid-configuration is used. */
    oidcIssuer: setting("OIDC_ISSUER", () =>
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
  rateLimits: setting("RATE_LIMITS", () => z.enum(["on", "off"]).default("on")),
  /** What the log line of each /mcp request carries (src/template/observe/). */
  log: {
    /** Characters of each call's arguments the line keeps; 0 (the default): none. */
    argumentChars: setting("LOG_ARGUMENTS", () =>
      wholeNumber("characters", 0, { min: 1, max: 4096, zero: "no arguments are logged" }),
    ),
    /** Keys the line's user id (an HMAC of who signed in); undefined when not set. */
    userSecret: setting("LOG_USER_SECRET", keySecret),
  },
};

/** Every variable the Worker reads (wrangler.toml [vars] and secrets), as `settings` names them. */
export const SETTING_NAMES: readonly string[] = namesIn(settings);

function namesIn(tree: Settings): string[] {
  return Object.values(tree).flatMap((node) => ("schema" in node ? [node.name as string] : namesIn(node as Settings)));
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

interface Setting<S extends z.ZodType> {
  /** The variable (wrangler.toml [vars], or a secret) the value is read from. */
  readonly name: keyof (Env & Secrets) & string;
  /** The setting's schema, built on the first call and kept. */
  readonly schema: () => S;
}
interface Settings {
  readonly [key: string]: Setting<z.ZodType> | Settings;
}
type Parsed<T> = { readonly [K in keyof T]: T[K] extends Setting<infer S> ? z.output<S> : Parsed<T[K]> };
type Problem = { name: string; message: string };

function setting<S extends z.ZodType>(name: keyof (Env & Secrets) & string, build: () => S): Setting<S> {
  let schema: S | undefined;
  return { name, schema: () => (schema ??= build()) };
}

function readonlySet(values: readonly string[]): ReadonlySet<string> {
  return new Set(values);
}

/** Reads every setting of `tree` from `env`; the problems name the variable (and list index). */
function parse<T extends Settings>(tree: T, env: Record<string, unknown>, problems: Problem[]): Parsed<T> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    if (!("schema" in node && "name" in node)) {
      out[key] = parse(node as Settings, env, problems);
      continue;
    }
    const { name, schema } = node as Setting<z.ZodType>;
    const parsed = schema().safeParse(env[name]);
    if (parsed.success) out[key] = parsed.data;
    else for (const i of parsed.error.issues) problems.push({ name: [name, ...i.path].join("."), message: i.message });
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
