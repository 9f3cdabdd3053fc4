// The test pool's entry (vitest.config.ts): the Worker exactly as wrangler.toml's `main` exports
// it, plus RefreshGuards that run with other token settings (test/fixtures/token-settings.ts).
import { RefreshGuard } from "../src/template/index.js";
import { TOKEN_DEPLOYMENTS } from "./fixtures/token-settings.js";

export * from "../src/template/index.js";
export { default } from "../src/template/index.js";

/** A RefreshGuard whose own env has these settings over wrangler.toml's, as a deployment's would. */
function guardWith(settings: Record<string, string>): typeof RefreshGuard {
  return class extends RefreshGuard {
    constructor(ctx: DurableObjectState, env: Env) {
      super(ctx, { ...env, ...settings });
    }
  };
}

export const ShortAccessTokensGuard = guardWith(TOKEN_DEPLOYMENTS.SHORT_ACCESS_TOKENS);
export const NoRefreshTokensGuard = guardWith(TOKEN_DEPLOYMENTS.NO_REFRESH_TOKENS);
