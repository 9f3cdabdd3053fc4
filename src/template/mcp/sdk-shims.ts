/**
 * What the SDK imports as `@modelcontextprotocol/server/_shims`, in the Worker's upload (wrangler.toml
 * `[alias]`): the SDK's own Workers shim, less its `preloadSchemas()` and with a smaller validator.
 *
 * The SDK builds each protocol era's Zod schemas on first use, and its Workers shim builds both
 * eras' at once when the SDK is evaluated, so that they are ready after startup. This Worker loads
 * the SDK on the first /mcp request instead (startup stays small, and the OAuth flow and pages never
 * load it), so preloading would not hide behind the TLS handshake: it would add the era the request
 * does not speak to that first answer. Without it, the first request builds only its own era's.
 */
// The JSON Schema validator the SDK uses by default: Zod, for the one schema a server validates
// against (an elicitation form's), instead of @cfworker/json-schema (./form-validator.ts).
export { FormValidator as DefaultJsonSchemaValidator } from "./form-validator.js";

function notSupported(): never {
  throw new Error(
    "StdioServerTransport is not supported in this environment. Use StreamableHTTPServerTransport instead.",
  );
}

/** The SDK's stdio transport reads these; a Worker has no stdio. */
export const process = {
  get stdin(): never {
    return notSupported();
  },
  get stdout(): never {
    return notSupported();
  },
};
