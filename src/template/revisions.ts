/**
 * Every protocol revision /mcp serves, newest first: 2026-07-28 (`server/discover`, a `_meta`
 * envelope on every request) and the 2025 era's Streamable HTTP revisions (`initialize`). Written
 * out so GET /health can say them without loading the SDK; test/health.test.ts holds them to what
 * the SDK actually serves (the server card's `supportedProtocolVersions`).
 */
export const PROTOCOL_REVISIONS: readonly string[] = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"];
