// A bearer token for the bench, obtained through the real OAuth flow (scripts/lib/oauth-client.mjs,
// the same walk `scripts/oauth-smoke.mjs` checks a server with).
import { signIn } from "../../scripts/lib/oauth-client.mjs";

/**
 * Returns { accessToken, steps }, or undefined when the Worker has no OAuth in front of /mcp
 * (an unauthenticated request is not refused with a 401).
 */
export async function getOAuthToken(origin, passphrase) {
  const steps = [];
  const session = await signIn(origin, passphrase, {
    clientName: "mcp-worker-bench",
    onStep: (text) => steps.push(text.split(/[:;(]/)[0]),
  });
  return session && { accessToken: session.accessToken, steps };
}
