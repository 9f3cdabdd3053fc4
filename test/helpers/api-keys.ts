import { env } from "cloudflare:test";
import { API_KEY_PREFIX, createApiKey, type StoredKey } from "../../src/template/auth/api-key-record.js";

/**
 * Makes an API key and stores it as `npm run keys -- create` does (scripts/keys.ts: the same
 * record, the same metadata), in the OAUTH_KV the tests' Worker reads. `record` overrides what
 * is stored, to test records the command would not write.
 */
export async function createKey(options: {
  user?: string;
  scopes?: readonly string[];
  name?: string;
  record?: Partial<StoredKey>;
}): Promise<{ key: string; id: string }> {
  const { key, id, stored } = await createApiKey({
    user: options.user ?? "alice",
    scopes: options.scopes ?? ["mcp", "profile"],
    name: options.name,
  });
  const record = { ...stored, ...options.record };
  const { hash: _, ...metadata } = record;
  await env.OAUTH_KV.put(`${API_KEY_PREFIX}${id}`, JSON.stringify(record), { metadata });
  return { key, id };
}

/** Revokes a key as `npm run keys -- revoke <id>` does: its record is deleted. */
export async function revokeKey(id: string): Promise<void> {
  await env.OAUTH_KV.delete(`${API_KEY_PREFIX}${id}`);
}
