/**
 * Thrown where an identity would be chosen but its secrets are not set: nobody signs in until the
 * operator sets them. The OAuth pages turn it into a page naming the command (src/template/auth/consent.ts),
 * so no handler has to check for it and no half-built identity exists to be called by mistake.
 */
export class SignInNotConfigured extends Error {
  override name = "SignInNotConfigured";
  /** What the operator runs to set the missing secrets. */
  readonly command: string;

  constructor(readonly missing: string[]) {
    super(`sign-in needs the secret${missing.length > 1 ? "s" : ""} ${missing.join(" and ")}`);
    this.command = missing.map((name) => `npx wrangler secret put ${name}`).join(" && ");
  }
}

/** AUTH_PASSPHRASE is set but guessable (too short, or the example's): refused outside localhost. */
export class WeakPassphrase extends Error {
  override name = "WeakPassphrase";
  // Two steps on purpose: piping straight into `secret put` sets a passphrase nobody has seen.
  readonly command =
    "openssl rand -base64 24   # keep what it prints (a password manager)\nnpx wrangler secret put AUTH_PASSPHRASE   # paste it when asked";

  constructor(readonly minLength: number) {
    super(`AUTH_PASSPHRASE is shorter than ${minLength} characters or is the example's`);
  }
}
