/**
 * Who is calling, as the OAuth grant recorded it. It is encrypted into every access token (the
 * provider's `props`) and handed to tools as `ctx.user`. Keep it small: it travels on every call.
 */
export interface User {
  /** Stable identifier, unique within `provider`. */
  id: string;
  /** How the user proved who they are. */
  provider: "passphrase" | "dev" | "github" | "oidc";
  login?: string;
  email?: string;
  name?: string;
}
