import * as z from "zod";
import { isLoopback } from "./loopback.js";

/** `oauth`: /mcp needs a bearer token from this server's OAuth flow. `none`: /mcp is public. */
export type AuthMode = "oauth" | "none";

/**
 * Every setting the Worker reads, validated once per isolate. The values come from
 * wrangler.toml `[vars]` (and `.dev.vars` / `wrangler secret put` for secrets); the README's
 * configuration table documents each one.
 */
export interface Config {
  auth: AuthMode;
  /** Canonical origin (e.g. https://mcp.example.com) or undefined to use each request's origin. */
  publicUrl: URL | undefined;
  /** Browser origins allowed to call /mcp besides the server's own (and localhost in dev). */
  allowedOrigins: ReadonlySet<string>;
  /** Largest request body /mcp accepts, in bytes. */
  maxBodyBytes: number;
  /** OAuth settings; read only when `auth` is `oauth`. */
  oauth: OAuthConfig;
}

/** How users prove who they are on the consent page (src/auth/identity/). */
export type IdentityKind = "passphrase" | "github" | "oidc";

export interface OAuthConfig {
  identity: IdentityKind;
  /** Scopes every token carries; a 401 names them. Tools' `requiredScope`s add to the catalogue. */
  scopes: readonly string[];
  /** Access-token lifetime, seconds. */
  accessTokenTtl: number;
  /** Refresh-token lifetime, seconds (0: no refresh tokens). */
  refreshTokenTtl: number;
  /** Upstream sign-in only: logins or emails allowed in (lowercase); empty lets anyone in. */
  allowedUsers: ReadonlySet<string>;
  /** AUTH_IDENTITY=oidc: the issuer whose /.well-known/openid-configuration is used. */
  oidcIssuer: URL | undefined;
  /** Secrets (`wrangler secret put`, or .dev.vars); undefined when not set. */
  secrets: {
    passphrase: string | undefined;
    upstreamClientId: string | undefined;
    upstreamClientSecret: string | undefined;
  };
}

/** Secrets are not in wrangler.toml, so `wrangler types` cannot know them. */
export interface Secrets {
  AUTH_PASSPHRASE?: string;
  UPSTREAM_CLIENT_ID?: string;
  UPSTREAM_CLIENT_SECRET?: string;
}

const list = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  );

const origin = z.string().transform((s, ctx) => {
  try {
    const url = new URL(s);
    if (url.protocol === "https:" || url.protocol === "http:") return url.origin;
  } catch {}
  ctx.addIssue({ code: "custom", message: `"${s}" is not an http(s) origin` });
  return z.NEVER;
});

// RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\\`.
const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, "is not a valid OAuth scope");

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

const secret = z
  .string()
  .optional()
  .transform((s) => (s?.trim() ? s : undefined));

const schema = z
  .object({
    MCP_AUTH: z.enum(["oauth", "none"]).default("oauth"),
    PUBLIC_URL: optionalUrl(
      (url) => url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname)),
      "must be an https origin (http only on localhost), e.g. https://mcp.example.com",
    ).transform((url) => url && new URL(url.origin)),
    ALLOWED_ORIGINS: list.pipe(z.array(origin)),
    MAX_BODY_BYTES: wholeNumber("bytes", 1024 * 1024, { min: 1024, max: 100 * 1024 * 1024 }),
    AUTH_IDENTITY: z.enum(["passphrase", "github", "oidc"]).default("passphrase"),
    OAUTH_SCOPES: z
      .string()
      .default("mcp profile")
      .transform((s) => s.split(/[\s,]+/).filter(Boolean))
      .pipe(z.array(scopeToken)),
    // The provider's floor is 60 s (KV's shortest expiry).
    ACCESS_TOKEN_TTL: wholeNumber("seconds", 3600, { min: 60, max: YEAR }),
    REFRESH_TOKEN_TTL: wholeNumber("seconds", 30 * 86400, { min: 60, max: YEAR, zero: "no refresh tokens" }),
    AUTH_ALLOWED_USERS: list.transform((xs) => xs.map((x) => x.toLowerCase())),
    OIDC_ISSUER: optionalUrl((url) => url.protocol === "https:", "must be the https URL of an OpenID Connect issuer"),
    AUTH_PASSPHRASE: secret,
    UPSTREAM_CLIENT_ID: secret,
    UPSTREAM_CLIENT_SECRET: secret,
  })
  .superRefine((v, ctx) => {
    if (v.MCP_AUTH === "oauth" && v.AUTH_IDENTITY === "oidc" && !v.OIDC_ISSUER) {
      ctx.addIssue({ code: "custom", path: ["OIDC_ISSUER"], message: "is required when AUTH_IDENTITY is oidc" });
    }
  });

export class ConfigError extends Error {
  override name = "ConfigError";
}

const cache = new WeakMap<object, Config>();

/** Reads and validates the configuration; the result is kept for the life of the isolate. */
export function getConfig(env: Env & Secrets): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration (wrangler.toml [vars]): ${problems.join("; ")}`);
  }
  const v = parsed.data;
  const config: Config = {
    auth: v.MCP_AUTH,
    publicUrl: v.PUBLIC_URL,
    allowedOrigins: new Set(v.ALLOWED_ORIGINS),
    maxBodyBytes: v.MAX_BODY_BYTES,
    oauth: {
      identity: v.AUTH_IDENTITY,
      scopes: v.OAUTH_SCOPES,
      accessTokenTtl: v.ACCESS_TOKEN_TTL,
      refreshTokenTtl: v.REFRESH_TOKEN_TTL,
      allowedUsers: new Set(v.AUTH_ALLOWED_USERS),
      oidcIssuer: v.OIDC_ISSUER,
      secrets: {
        passphrase: v.AUTH_PASSPHRASE,
        upstreamClientId: v.UPSTREAM_CLIENT_ID,
        upstreamClientSecret: v.UPSTREAM_CLIENT_SECRET,
      },
    },
  };
  cache.set(env, config);
  return config;
}
