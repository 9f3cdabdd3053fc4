import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { CLIENT_KINDS } from "../../../test/helpers/clients.js";
import { legacyClient, modernClient } from "../../../test/helpers/connect.js";
import { initialize, ORIGIN, PASSPHRASE, rpc, signIn } from "../../../test/helpers/oauth.js";
import { workerFetch } from "../../../test/helpers/worker.js";

// ./whoami.ts requires the `profile` scope: the step-up example. The SDK checks a
// tool's `requiredScope` (src/template/mcp/server.ts, `scopeChallenge`) before the call runs, in both eras.

const baselineOnly = { AUTH_PASSPHRASE: PASSPHRASE, OAUTH_SCOPES: "mcp" };
const withProfile = { AUTH_PASSPHRASE: PASSPHRASE };
const RESOURCE_METADATA = `${ORIGIN}/.well-known/oauth-protected-resource/mcp`;

const call = (name: string, args: Record<string, unknown>, modern: boolean) => ({
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: {
    name,
    arguments: args,
    ...(modern && {
      _meta: {
        [PROTOCOL_VERSION_META_KEY]: "2026-07-28",
        [CLIENT_INFO_META_KEY]: { name: "raw", version: "1.0.0" },
        [CLIENT_CAPABILITIES_META_KEY]: {},
      },
    }),
  },
});
const headers = (name: string, modern: boolean): Record<string, string> =>
  modern
    ? { "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": name }
    : { "MCP-Protocol-Version": "2025-11-25" };

describe.each([
  ["2026-07-28", true],
  ["2025-11-25", false],
])("scope step-up, %s", (_era, modern) => {
  it("a token without profile: 403 insufficient_scope naming every scope needed, and where to get them", async () => {
    const { tokens } = await signIn({ vars: baselineOnly, scope: "mcp" });
    const response = await rpc(
      call("whoami", {}, modern),
      tokens.access_token,
      baselineOnly,
      headers("whoami", modern),
    );
    expect(response.status).toBe(403);
    const challenge = response.headers.get("WWW-Authenticate")!;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="mcp profile"');
    expect(challenge).toContain(`resource_metadata="${RESOURCE_METADATA}"`);
    expect(await response.json()).toMatchObject({ error: "insufficient_scope" });

    // The same document the 401 points to, so a client finds the authorization server again.
    const unauthenticated = await rpc(initialize, undefined, baselineOnly);
    expect(unauthenticated.headers.get("WWW-Authenticate")).toContain(`resource_metadata="${RESOURCE_METADATA}"`);
  });
});

describe("scope step-up through the SDK clients", () => {
  it("2026-07-28: the v2 client gets a typed InsufficientScopeError, then steps up", async () => {
    const { tokens } = await signIn({ vars: baselineOnly, scope: "mcp" });
    const client = await modernClient({ vars: baselineOnly, token: tokens.access_token, origin: ORIGIN });
    const refused = (await client.callTool({ name: "whoami", arguments: {} }).catch((error: unknown) => error)) as {
      name: string;
      requiredScope: string;
      resourceMetadataUrl: URL;
    };
    expect(refused).toBeInstanceOf(Error);
    expect(refused.name).toBe("InsufficientScopeError");
    expect(refused.requiredScope).toBe("mcp profile");
    expect(String(refused.resourceMetadataUrl)).toBe(RESOURCE_METADATA);
    await client.close();

    const upgraded = await signIn({ vars: baselineOnly, scope: "mcp profile" });
    const again = await modernClient({ vars: baselineOnly, token: upgraded.tokens.access_token, origin: ORIGIN });
    const result = await again.callTool({ name: "whoami", arguments: {} });
    expect(result.structuredContent).toMatchObject({ authenticated: true, scopes: ["mcp", "profile"] });
    await again.close();
  });

  it("2025-11-25: the 1.x client sees the 403, then steps up", async () => {
    const { tokens } = await signIn({ vars: baselineOnly, scope: "mcp" });
    const client = await legacyClient({ vars: baselineOnly, token: tokens.access_token, origin: ORIGIN });
    await expect(client.callTool({ name: "whoami", arguments: {} })).rejects.toMatchObject({ code: 403 });
    await client.close();

    const upgraded = await signIn({ vars: baselineOnly, scope: "mcp profile" });
    const again = await legacyClient({ vars: baselineOnly, token: upgraded.tokens.access_token, origin: ORIGIN });
    const result = await again.callTool({ name: "whoami", arguments: {} });
    expect(result.structuredContent).toMatchObject({ authenticated: true, scopes: ["mcp", "profile"] });
    await again.close();
  });

  it.each([
    ["2026-07-28", modernClient],
    ["2025-11-25", legacyClient],
  ])("%s with authentication off: no token, no scope to check", async (_era, connect) => {
    const client = await connect();
    const result = await client.callTool({ name: "whoami", arguments: {} });
    expect(result.structuredContent).toEqual({ authenticated: false, scopes: [] });
    await client.close();
  });
});

describe("whoami, a 2025 client that drops Mcp-Session-Id (as Claude's connector is reported to)", () => {
  it("still knows who is calling: the user comes with the token on every request, not with the session", async () => {
    const { tokens } = await signIn({ vars: withProfile });
    const dropping = CLIENT_KINDS.find((kind) => kind.dropsSession)!;
    const client = await dropping.connect({
      url: `${ORIGIN}/mcp`,
      fetch: workerFetch(withProfile),
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    const result = await client.callTool({ name: "whoami", arguments: {} });
    expect(result.structuredContent).toMatchObject({ authenticated: true, scopes: ["mcp", "profile"] });
    await client.close();
  });
});
