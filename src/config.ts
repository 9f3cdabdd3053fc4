import { z } from "zod";

/**
 * Every setting the Worker reads, validated once per isolate. The values come from
 * wrangler.toml `[vars]` (and `.dev.vars` / `wrangler secret put` for secrets); the README's
 * configuration table documents each one.
 */
export interface Config {
  /** `oauth`: /mcp needs a bearer token from this server's OAuth flow. `none`: /mcp is public. */
  auth: "oauth" | "none";
  /** Canonical origin (e.g. https://mcp.example.com) or undefined to use each request's origin. */
  publicUrl: URL | undefined;
  /** Browser origins allowed to call /mcp besides the server's own (and localhost in dev). */
  allowedOrigins: ReadonlySet<string>;
  /** Largest request body /mcp accepts, in bytes. */
  maxBodyBytes: number;
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

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const schema = z.object({
  MCP_AUTH: z.enum(["oauth", "none"]).default("oauth"),
  PUBLIC_URL: z
    .string()
    .default("")
    .transform((s, ctx) => {
      if (!s) return undefined;
      try {
        const url = new URL(s);
        if (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname))) {
          return new URL(url.origin);
        }
      } catch {}
      ctx.addIssue({
        code: "custom",
        message: "must be an https origin (http only on localhost), e.g. https://mcp.example.com",
      });
      return z.NEVER;
    }),
  ALLOWED_ORIGINS: list.pipe(z.array(origin)),
  MAX_BODY_BYTES: z
    .union([z.string(), z.number()]) // a number when wrangler.toml has it unquoted
    .default("")
    .transform((raw, ctx) => {
      if (String(raw).trim() === "") return DEFAULT_MAX_BODY_BYTES; // empty means the default, as for the others
      const bytes = Number(raw);
      if (Number.isInteger(bytes) && bytes >= 1024 && bytes <= 100 * 1024 * 1024) return bytes;
      ctx.addIssue({
        code: "custom",
        message: `must be a whole number of bytes from 1024 to 104857600, e.g. 1048576 (got "${raw}")`,
      });
      return z.NEVER;
    }),
});

export class ConfigError extends Error {
  override name = "ConfigError";
}

const cache = new WeakMap<object, Config>();

/** Reads and validates the configuration; the result is kept for the life of the isolate. */
export function getConfig(env: Env): Config {
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
  };
  cache.set(env, config);
  return config;
}

export function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname === "[::1]" ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname)
  );
}
