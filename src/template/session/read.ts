import type * as z from "zod";
import { memo } from "../memo.js";
import { snapshot } from "../snapshot.gen.js";
import type { SessionField } from "../snapshot.js";
import { type Session, type SessionSource, sessionJsonSchema } from "./schema.js";

/** One setting that failed validation, and where it came from (for the error message). */
export interface SessionIssue {
  field: string;
  from: SessionSource | undefined;
  message: string;
}

export type SessionResult<T> = { ok: true; session: T } | { ok: false; issues: SessionIssue[] };

/**
 * Each setting of a session schema: where it travels (its `x-from`) and the JSON Schema type its
 * text is converted to.
 */
export function sessionFields(schema: z.ZodObject): SessionField[] {
  const properties = (sessionJsonSchema(schema).properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    // Smithery's default when a field says nothing: a query parameter of the field's name.
    from: (property["x-from"] as SessionSource | undefined) ?? { query: name },
    type: property.type,
  }));
}

/**
 * Builds the reader for a session schema: each request's headers and query parameters, as the
 * fields' `x-from` name them, validated by the schema. Headers and query strings carry text, so
 * number and boolean fields are converted first by the JSON Schema type they declare; a value
 * that does not convert is left as text for the schema to refuse with its own message. An empty
 * value counts as absent, so the field's default applies. `known`: the schema's fields and
 * defaults as the build took them (src/template/snapshot.ts), so that the first request does not
 * convert the schema to JSON Schema to find them.
 */
export function createSessionReader<S extends z.ZodObject>(
  schema: S,
  known?: { fields: SessionField[]; defaults: Record<string, unknown> },
) {
  const fields = known?.fields ?? sessionFields(schema);

  // What a request that sets nothing gets (most requests: Smithery's scanner, clients without a
  // form): validated once, frozen so no handler can change it for the next request.
  let defaults: SessionResult<z.output<S>> | undefined = known && {
    ok: true,
    session: Object.freeze(known.defaults) as z.output<S>,
  };
  const hasQueryFields = fields.some((f) => "query" in f.from);

  function read(request: Request): SessionResult<z.output<S>> {
    // Parse the URL only when a setting can be in it.
    const query = hasQueryFields && request.url.includes("?") ? new URL(request.url).searchParams : undefined;
    const input: Record<string, unknown> = {};
    const issues: SessionIssue[] = [];
    let given = false;
    for (const field of fields) {
      const values = valuesOf(request, query, field.from);
      if (values.length === 0) continue;
      given = true;
      if (new Set(values).size > 1) {
        issues.push({ field: field.name, from: field.from, message: "given more than once, with different values" });
        continue;
      }
      input[field.name] = convert(values[0]!, field.type);
    }
    if (issues.length > 0) return { ok: false, issues };
    if (!given && defaults) return defaults;

    const parsed = schema.safeParse(input);
    if (!given && parsed.success) {
      const result: SessionResult<z.output<S>> = { ok: true, session: Object.freeze(parsed.data) as z.output<S> };
      defaults = result;
      return result;
    }
    if (parsed.success) return { ok: true, session: parsed.data };
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "");
        return { field: name, from: fields.find((f) => f.name === name)?.from, message: issue.message };
      }),
    };
  }

  return Object.assign(read, {
    /** The request headers this schema reads (CORS must let browsers send them). */
    headers: headersOf(fields),
  });
}

const NONE: readonly string[] = [];

/** A field's non-empty values, trimmed; allocates nothing for the usual absent header. */
function valuesOf(request: Request, query: URLSearchParams | undefined, from: SessionSource): readonly string[] {
  if ("header" in from) {
    const value = request.headers.get(from.header)?.trim();
    return value ? [value] : NONE;
  }
  if (!query) return NONE;
  return query
    .getAll(from.query)
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function convert(value: string, type: unknown): unknown {
  if (type === "number" || type === "integer") {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  if (type === "boolean") {
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
  }
  return value;
}

/** "header x-github-token" or "query parameter temperatureUnit": where to look to fix a value. */
export function describeSource(from: SessionSource | undefined): string {
  if (!from) return "session configuration";
  return "header" in from ? `header ${from.header}` : `query parameter ${from.query}`;
}

/** The headers a reader's fields are read from (CORS must let browsers send them). */
function headersOf(fields: readonly SessionField[]): string[] {
  return fields.flatMap((f) => ("header" in f.from ? [f.from.header.toLowerCase()] : []));
}

/**
 * This server's reader (src/server/session.ts), built on first use: evaluating the settings'
 * schema is a fair part of a new isolate's first answer, and only a request that sets something
 * needs it when the build took the snapshot (src/template/snapshot.ts).
 */
const serverReader = memo(async () =>
  createSessionReader((await import("../../server/session.js")).sessionSchema, snapshot?.session),
);
const known = snapshot && {
  fields: snapshot.session.fields,
  hasQueryFields: snapshot.session.fields.some((f) => "query" in f.from),
  defaults: { ok: true, session: Object.freeze(snapshot.session.defaults) as Session } as const,
};

/**
 * Reads this server's settings from a request to /mcp. A request that sets none (nearly every
 * one) gets the defaults the build took, without the schema; one that sets something is read and
 * validated by the schema.
 */
export function readSession(request: Request): SessionResult<Session> | Promise<SessionResult<Session>> {
  if (known) {
    const query = known.hasQueryFields && request.url.includes("?") ? new URL(request.url).searchParams : undefined;
    if (known.fields.every((f) => valuesOf(request, query, f.from).length === 0)) return known.defaults;
  }
  return serverReader().then((read) => read(request));
}

/** The request headers this server's settings are read from. */
export async function sessionHeaders(): Promise<string[]> {
  return known ? headersOf(known.fields) : (await serverReader()).headers;
}

/** What tools get when nothing was set: every default. (Also what Smithery's scanner gets.) */
export async function defaultSession(): Promise<Session> {
  return known ? known.defaults.session : (await import("../../server/session.js")).sessionSchema.parse({});
}
