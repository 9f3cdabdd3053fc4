import { describe, expect, it, vi } from "vitest";
import { signIn, tokenDeployment } from "./helpers/oauth.js";
import { fetchWorker } from "./helpers/worker.js";

describe("OAuth settings are validated", () => {
  it.each([
    [{ ACCESS_TOKEN_TTL: "30" }, "ACCESS_TOKEN_TTL"],
    [{ ACCESS_TOKEN_TTL: "soon" }, "ACCESS_TOKEN_TTL"],
    [{ REFRESH_TOKEN_TTL: "10" }, "REFRESH_TOKEN_TTL"],
    [{ AUTH_IDENTITY: "ldap" }, "AUTH_IDENTITY"],
    [{ OAUTH_SCOPES: 'mcp "quoted"' }, "OAUTH_SCOPES"],
    // Only scopes src/server/info.ts declares (with their consent text) can be given to every token.
    [{ OAUTH_SCOPES: "mcp undeclared" }, "OAUTH_SCOPES"],
    [{ AUTH_IDENTITY: "oidc" }, "OIDC_ISSUER"],
    [{ AUTH_IDENTITY: "oidc", OIDC_ISSUER: "http://id.example.org" }, "OIDC_ISSUER"],
  ])("%o is refused; the log names %s, the answer names nothing", async (vars, name) => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await fetchWorker("/", {}, vars);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain(name);
    for (const value of Object.values(vars)) expect(text).not.toContain(value);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(name));
    log.mockRestore();
  });

  it("an empty lifetime means the default, and REFRESH_TOKEN_TTL=0 issues no refresh token", async () => {
    const { tokens } = await signIn({ vars: tokenDeployment("NO_REFRESH_TOKENS") });
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toBeUndefined();
  });
});
