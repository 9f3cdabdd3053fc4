import type { ApprovedConsent, OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import type { Context } from "hono";
import type { Config } from "../../config.js";
import type { AppEnv } from "../../types.js";

/** Everything an OAuth page handler works with. */
export interface AuthContext {
  c: Context<AppEnv>;
  config: Config;
  /** The canonical origin: the resource is `${origin}/mcp`. */
  origin: string;
  helpers: OAuthHelpers;
  /** A browser that signed in here before (../device.ts): its id, once the page handler checked it. */
  device?: string;
}

/** What the consent form asks for. */
export type SignInForm = { kind: "passphrase" } | { kind: "dev" } | { kind: "upstream"; label: string };

export type Verdict = { ok: true } | { ok: false; status: 403 | 429 | 502; message: string; retryAfter?: number };

/**
 * How a person proves who they are before a grant is made. One implementation is chosen by
 * AUTH_IDENTITY (src/template/auth/identity/index.ts); the consent page and its routes only see this.
 */
export interface Identity {
  readonly form: SignInForm;
  /**
   * The secret trusted browsers' cookies are signed with a key derived from (../device.ts); none
   * when a sign-in proves nothing about a browser (GitHub or OIDC open to every account).
   */
  readonly deviceSecret: string | undefined;
  /** Checks the approved form before its one-time consent handle is spent (the passphrase, say). */
  verify(ctx: AuthContext, form: FormData): Promise<Verdict>;
  /** After approval: make the grant, or send the browser on to the upstream provider. */
  signIn(ctx: AuthContext, approved: ApprovedConsent): Promise<Response>;
  /** Upstream providers: their redirect back to /oauth/callback. */
  callback?(ctx: AuthContext): Promise<Response>;
}
