import { tools as generated } from "./tools.gen.js";

/** What the OAuth side needs of a tool: its name and the scope it requires, if any. */
export interface ToolScope {
  readonly name: string;
  readonly requiredScope?: string;
}

let served: readonly ToolScope[] = generated;

/**
 * The tools being served: src/mcp/tools/'s, or those of a registry swapped in with `useRegistry`
 * (src/mcp/server.ts). Free of the MCP SDK, so the OAuth scopes (src/auth/scopes.ts) can read it
 * without loading the SDK (docs/performance.md).
 */
export function servedTools(): readonly ToolScope[] {
  return served;
}

/** Called by `useRegistry` only. */
export function serveTools(next: readonly ToolScope[]): void {
  served = next;
}
