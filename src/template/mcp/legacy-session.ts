import type { ClientCapabilities } from "@modelcontextprotocol/server";
import { base64url, fromBase64url } from "../encoding.js";
import { boundedJson, isObject } from "./message.js";

/**
 * What a 2025-era client said in `initialize` that later requests still need, carried by the
 * client itself in the `Mcp-Session-Id` this server answers that initialize with (the 2025
 * transport sends it back on every request). Nothing is stored: the session id IS the session.
 *
 *   v1.<base64url of {"p": protocol version, "c": capabilities, "a": 1 if it renders MCP Apps, "n": nonce}>
 *
 * It is the client's own claim, so it is not signed: forging one only claims capabilities the
 * client could have declared anyway. It is read as hostile input all the same: bounded in size,
 * parsed defensively, only the capabilities this server acts on kept (sampling, elicitation,
 * roots: what a tool's `inputRequired(...)` can ask a 2025-era client for, and only when the
 * optional questions part is there to ask: `parts.questions.capabilities`), and anything else
 * ignored, so an unknown or broken id is just a stateless request as before. The nonce keeps two
 * clients' ids apart, which is what binds an answer to the session that was asked
 * (src/template/optional/questions/).
 *
 * This stays in the endpoint when the questions part is deleted: it is how a 2025-era client that
 * renders MCP Apps is known as one after its initialize (src/template/mcp/apps-negotiation.ts).
 */
export interface LegacySession {
  /** The protocol revision the client initialized with. */
  protocolVersion: string;
  /** The client's declared sampling, elicitation and roots capabilities, as it declared them. */
  capabilities: Pick<ClientCapabilities, "sampling" | "elicitation" | "roots">;
  /** Whether it declared the MCP Apps extension (src/template/mcp/apps-negotiation.ts). */
  apps: boolean;
}

/** Strict: an id whose claim is not UTF-8 is not ours. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Longer ids are not ours (a client sends back what it got; ours stay well under this). */
export const MAX_SESSION_ID_LENGTH = 1024;
/** Each kept capability's JSON, at most: real ones are a few bytes (`{}`, `{"form":{}}`); three fit the id. */
const CAPABILITY_BOUNDS = { maxDepth: 8, maxLength: 128 };
const PREFIX = "v1.";
const PUSH_CAPABILITIES = ["sampling", "elicitation", "roots"] as const;
/** A capability a session id can carry. */
export type SessionCapability = (typeof PUSH_CAPABILITIES)[number];

/**
 * The session id to answer a 2025-era `initialize` with, or undefined when the client declared
 * nothing a later request needs (then, as before, it gets none and every request stands alone).
 * `keep`: the capabilities a later request acts on (none without the questions part).
 */
export function sessionIdFor(
  body: unknown,
  rendersApps: boolean,
  keep: readonly SessionCapability[],
): string | undefined {
  if (!isObject(body) || body.method !== "initialize" || !isObject(body.params)) return undefined;
  const { protocolVersion, capabilities } = body.params;
  if (typeof protocolVersion !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(protocolVersion)) return undefined;
  const kept = keptCapabilities(capabilities, keep);
  if (!rendersApps && Object.keys(kept).length === 0) return undefined;
  const claim = { p: protocolVersion, c: kept, ...(rendersApps && { a: 1 }), n: nonce() };
  const id = PREFIX + base64url(JSON.stringify(claim));
  return id.length <= MAX_SESSION_ID_LENGTH ? id : undefined;
}

/** What a request's `Mcp-Session-Id` says, or undefined for none, or for one that is not ours. */
export function readSession(header: string | null): LegacySession | undefined {
  if (!header || header.length > MAX_SESSION_ID_LENGTH) return undefined;
  if (!header.startsWith(PREFIX)) return undefined;
  let claim: unknown;
  try {
    claim = JSON.parse(utf8.decode(fromBase64url(header.slice(PREFIX.length))));
  } catch {
    return undefined;
  }
  if (!isObject(claim) || typeof claim.p !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(claim.p)) return undefined;
  return { protocolVersion: claim.p, capabilities: keptCapabilities(claim.c, PUSH_CAPABILITIES), apps: claim.a === 1 };
}

function keptCapabilities(capabilities: unknown, keep: readonly SessionCapability[]): LegacySession["capabilities"] {
  const kept: Record<string, unknown> = {};
  if (!isObject(capabilities)) return kept;
  for (const name of keep) {
    const value = capabilities[name];
    // Written by a bounded walk: a client's capabilities can nest as deep as its body allows.
    const json = isObject(value) && !Array.isArray(value) ? boundedJson(value, CAPABILITY_BOUNDS) : undefined;
    if (json !== undefined) kept[name] = JSON.parse(json);
  }
  return kept;
}

function nonce(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(12)));
}
