import type { Identity } from "./types.js";

/** Fails closed: nobody signs in until the operator sets the named secrets. */
export function unconfigured(missing: string[]): Identity {
  return {
    form: {
      kind: "unconfigured",
      missing,
      command: missing.map((name) => `npx wrangler secret put ${name}`).join(" && "),
    },
    verify: async () => ({ ok: false, status: 403, message: "Sign-in is not configured." }),
    signIn: async () => {
      throw new Error("sign-in is not configured");
    },
  };
}
