import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { CLIENT_CAPABILITIES_META_KEY } from "@modelcontextprotocol/server";
import type { Era } from "./define.js";
import type { LegacySession } from "./legacy-session.js";
import { isObject } from "./message.js";

/**
 * Whether the client renders MCP Apps: it declared the io.modelcontextprotocol/ui extension with
 * the MCP App MIME type. Only then does it hear of views (the tools' `_meta.ui`, the `ui://`
 * resources); every other client gets the same tools with text and structured content.
 *
 * Where the declaration is:
 * - 2026-07-28: in every request's `_meta` envelope (`io.modelcontextprotocol/clientCapabilities`).
 * - 2025 era: in `initialize` only. This server is stateless, so the next request would have
 *   forgotten it; instead the answer to that initialize carries an `Mcp-Session-Id` that says so
 *   (src/template/mcp/legacy-session.ts), which the 2025 transport makes the client send back on every
 *   request. It is no secret and grants nothing: a client that claims to render apps is only
 *   shown them.
 */
export function rendersApps(body: unknown, era: Era, session: LegacySession | undefined): boolean {
  if (era === "legacy" && session?.apps) return true;
  const messages = Array.isArray(body) ? body : [body];
  return messages.length > 0 && messages.every((message) => declaresApps(capabilitiesOf(message, era)));
}

function capabilitiesOf(message: unknown, era: Era): unknown {
  if (!isObject(message) || !isObject(message.params)) return undefined;
  if (era === "legacy") return message.method === "initialize" ? message.params.capabilities : undefined;
  const meta = message.params._meta;
  return isObject(meta) ? meta[CLIENT_CAPABILITIES_META_KEY] : undefined;
}

function declaresApps(capabilities: unknown): boolean {
  if (!isObject(capabilities) || !isObject(capabilities.extensions)) return false;
  const ui = capabilities.extensions[EXTENSION_ID];
  return isObject(ui) && Array.isArray(ui.mimeTypes) && ui.mimeTypes.includes(RESOURCE_MIME_TYPE);
}
