import * as z from "zod";
import { UpstreamError, type UpstreamProvider, upstreamJson } from "./upstream.js";

const API = "https://api.github.com";

const githubUser = z.object({
  id: z.number(),
  login: z.string().max(100),
  name: z
    .string()
    .nullish()
    .transform((s) => s?.slice(0, 200)),
});
const githubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/** GitHub OAuth app sign-in: the login, name and primary verified email become the user. */
export const github: UpstreamProvider = {
  label: "GitHub",
  scope: "read:user user:email",
  endpoints: async () => ({
    authorize: "https://github.com/login/oauth/authorize",
    token: "https://github.com/login/oauth/access_token",
  }),
  async user(accessToken) {
    const auth = { Authorization: `Bearer ${accessToken}`, "X-GitHub-Api-Version": "2022-11-28" };
    const profile = githubUser.safeParse(await upstreamJson(`${API}/user`, "GitHub", { headers: auth }));
    if (!profile.success) throw new UpstreamError("GitHub did not say who signed in.");
    // Without the user:email grant this list is refused; the user then simply has no email.
    const emails = githubEmails.safeParse(
      await upstreamJson(`${API}/user/emails`, "GitHub", { headers: auth }).catch(() => undefined),
    );
    const email = emails.success ? emails.data.find((e) => e.primary && e.verified)?.email : undefined;
    const { id, login, name } = profile.data;
    return {
      user: { id: String(id), provider: "github", login, ...(email ? { email } : {}), ...(name ? { name } : {}) },
      account: login,
      verifiedEmails: email ? [email] : [],
    };
  },
  // GitHub logins are case-insensitive.
  sameAccount: (entry, account) => entry.toLowerCase() === account.toLowerCase(),
};
