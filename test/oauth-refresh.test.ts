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
    const { client_id: clientId } = await register();
    const { verifier, challenge } = await pkce();
    const code = codeFrom(await consent(new Browser(), authorizeUrl({ clientId, challenge })));
    const exchange = () =>
      tokenRequest({
        grant_type: "authorization_code",
        code,
        redirect_uri: LOOPBACK_REDIRECT,
        client_id: clientId,
        code_verifier: verifier,
        resource: MCP_URL,
      });
    const first = await exchange();
    expect(first.status).toBe(200);
    const issued = await first.json<Tokens>();
    expect((await exchange()).status).toBe(400);
    expect((await rpc(initialize, issued.access_token)).status).toBe(401);
    expect((await refresh(issued.refresh_token, clientId)).status).toBe(400);
    vi.restoreAllMocks();
  });
});
