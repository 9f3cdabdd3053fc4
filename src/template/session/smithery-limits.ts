/**
 * Smithery's rules for a config schema (https://smithery.ai/docs/build/session-config), as a
 * list of what breaks them. `npm run smithery:schema` refuses to print a schema that breaks one,
 * and test/session-config.test.ts holds this server's schema to them.
 */
export const SMITHERY_LIMITS = {
  maxFields: 20,
  maxBytes: 1024,
  types: ["string", "number", "boolean"],
  /** `x-from` headers Smithery keeps for itself (OAuth, sessions, Cloudflare, its own). */
  reservedHeader: /^(?:authorization|cookie|cf-.*|smithery-.*)$/i,
  /** Query parameters the gateway consumes and never forwards. */
  reservedQuery: /^(?:api_key|profile|config)$/i,
} as const;

// RFC 9110 token characters: what a header name may be made of.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function smitheryLimitProblems(schema: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const bytes = new TextEncoder().encode(JSON.stringify(schema)).byteLength;
  if (bytes > SMITHERY_LIMITS.maxBytes) {
    problems.push(`the schema is ${bytes} bytes as JSON; Smithery takes at most ${SMITHERY_LIMITS.maxBytes}`);
  }
  if (schema.type !== "object") problems.push('the schema must be an object schema ("type": "object")');
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const names = Object.keys(properties);
  if (names.length > SMITHERY_LIMITS.maxFields) {
    problems.push(`${names.length} fields; Smithery takes at most ${SMITHERY_LIMITS.maxFields}`);
  }
  for (const name of names) {
    const property = properties[name]!;
    if (!(SMITHERY_LIMITS.types as readonly unknown[]).includes(property.type)) {
      problems.push(
        `${name}: type ${JSON.stringify(property.type ?? "(none)")}; only string, number or boolean can travel in a header or query parameter`,
      );
    }
    problems.push(...xFromProblems(name, property["x-from"]));
  }
  return problems;
}

function xFromProblems(name: string, from: unknown): string[] {
  if (from === undefined) return [`${name}: no x-from; say where the value travels ({"header": …} or {"query": …})`];
  if (typeof from !== "object" || from === null) return [`${name}: x-from must be {"header": …} or {"query": …}`];
  const keys = Object.keys(from);
  const value = (from as Record<string, unknown>)[keys[0] ?? ""];
  if (keys.length !== 1 || !["header", "query"].includes(keys[0]!) || typeof value !== "string" || !value) {
    return [`${name}: x-from must be exactly one of {"header": "name"} or {"query": "name"}`];
  }
  if (keys[0] === "header") {
    if (!HEADER_NAME.test(value)) return [`${name}: "${value}" is not a valid header name`];
    if (SMITHERY_LIMITS.reservedHeader.test(value)) {
      return [`${name}: header "${value}" is reserved by Smithery (authorization, cookie, cf-*, smithery-*)`];
    }
  } else if (SMITHERY_LIMITS.reservedQuery.test(value)) {
    return [`${name}: query parameter "${value}" is reserved by Smithery (api_key, profile, config)`];
  }
  return [];
}
