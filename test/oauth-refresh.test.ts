import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import {
  authorizeUrl,
  Browser,
  codeFrom,
  consent,
  initialize,
  LOOPBACK_REDIRECT,
  MCP_URL,
  pkce,
  register,
  rpc,
  signIn,
  type Tokens,
  tokenRequest,
} from "./helpers/oauth.js";

function refresh(refreshToken: string, clientId: string) {
  return tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId });
}

describe("point 3: refresh-token reuse detection (RFC 9700 §4.14.2)", () => {
  it("replaying a rotated-out refresh token revokes the grant: the new tokens stop working too", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { tokens, clientId } = await signIn();
    const rotated = await refresh(tokens.refresh_token, clientId);
    expect(rotated.status).toBe(200);
    const fresh = await rotated.json<Tokens>();
    expect((await rpc(initialize, fresh.access_token)).status).toBe(200);

    // An attacker (or a confused client) presents the old one again.
    const replay = await refresh(tokens.refresh_token, clientId);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });

    // The whole grant is gone: the legitimate holder's newer tokens included.
    expect((await refresh(fresh.refresh_token, clientId)).status).toBe(400);
    expect((await rpc(initialize, fresh.access_token)).status).toBe(401);
    expect((await rpc(initialize, tokens.access_token)).status).toBe(401);
    vi.restoreAllMocks();
  });

  it("20 concurrent refreshes of one token: at most one succeeds", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { tokens, clientId } = await signIn();
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(tokens.refresh_token, clientId)));
    const ok = answers.filter((r) => r.status === 200);
    expect(ok.length).toBeLessThanOrEqual(1);
    expect(answers.every((r) => r.status === 200 || r.status === 400)).toBe(true);
    // And the grant is revoked (the token was presented twice): no access token from it works.
    for (const answer of ok) {
      const issued = await answer.json<Tokens>();
      expect((await rpc(initialize, issued.access_token)).status).toBe(401);
    }
    vi.restoreAllMocks();
  });

  it("sequential refreshes with each newest token keep working (no false alarm)", async () => {
    const { tokens, clientId } = await signIn();
    let current = tokens;
    for (let i = 0; i < 4; i++) {
      const answer = await refresh(current.refresh_token, clientId);
      expect(answer.status).toBe(200);
      current = await answer.json<Tokens>();
      expect((await rpc(initialize, current.access_token)).status).toBe(200);
    }
  });

  it("a reused authorization code revokes what the first exchange issued", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { clientId, fields } = await codeExchange();
    const exchange = () => tokenRequest(fields);
    const first = await exchange();
    expect(first.status).toBe(200);
    const issued = await first.json<Tokens>();
    expect((await exchange()).status).toBe(400);
    expect((await rpc(initialize, issued.access_token)).status).toBe(401);
    expect((await refresh(issued.refresh_token, clientId)).status).toBe(400);
    vi.restoreAllMocks();
  });
});

// The RefreshGuard Durable Object is a thin class that imports its work on its first call
// (src/template/auth/guards/refresh-guard.ts, docs/performance.md): calls that arrive while that import
// runs must still be served one at a time, by one implementation, and what was stored must hold
// for a new instance of the object.
describe("the grant's guard loads its work on first use", () => {
  const guardOf = (token: string) => {
    const [userId, grantId] = token.split(":");
    return env.REFRESH_GUARD.get(env.REFRESH_GUARD.idFromName(`${userId}:${grantId}`));
  };

  it("10 concurrent exchanges of one code, the guard's first calls: one gets tokens, the rest are refused", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { fields } = await codeExchange();
    const answers = await Promise.all(Array.from({ length: 10 }, () => tokenRequest(fields)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(400)]);
    // The code was presented again after it was used: what the first exchange issued is revoked.
    const issued = await answers.find((r) => r.status === 200)!.json<Tokens>();
    expect((await rpc(initialize, issued.access_token)).status).toBe(401);
    vi.restoreAllMocks();
  });

  it("a new instance of the guard (evicted) serves concurrent refreshes in turn and still knows used tokens", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { tokens, clientId } = await signIn();
    const guard = guardOf(tokens.refresh_token);
    await evictDurableObject(guard);
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(tokens.refresh_token, clientId)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400]);

    // The token was presented more than once, so the grant is revoked, and that is stored: yet
    // another new instance still refuses it.
    await evictDurableObject(guard);
    const again = await refresh(tokens.refresh_token, clientId);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
    vi.restoreAllMocks();
  });

  it("the alarm of a new instance clears what the grant's guard stored", async () => {
    const { tokens } = await signIn();
    const guard = guardOf(tokens.refresh_token);
    expect(await runInDurableObject(guard, (_, state) => [...state.storage.kv.list()].length)).toBeGreaterThan(0);
    await evictDurableObject(guard);
    expect(await runDurableObjectAlarm(guard)).toBe(true);
    expect(await runInDurableObject(guard, (_, state) => [...state.storage.kv.list()].length)).toBe(0);
  });
});

/** A registered client with a fresh authorization code, and the token request that exchanges it. */
async function codeExchange() {
  const { client_id: clientId } = await register();
  const { verifier, challenge } = await pkce();
  const code = codeFrom(await consent(new Browser(), authorizeUrl({ clientId, challenge })));
  const fields = {
    grant_type: "authorization_code",
    code,
    redirect_uri: LOOPBACK_REDIRECT,
    client_id: clientId,
    code_verifier: verifier,
    resource: MCP_URL,
  };
  return { clientId, fields };
}
