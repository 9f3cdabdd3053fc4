// The OAuth part of the reference floors: the provider in front of /mcp, and the least an
// authorize endpoint can be for the bench's OAuth client (scripts/lib/oauth-client.mjs) to get a
// token: a form with one hidden field, and a POST that checks the passphrase and completes the
// grant. No consent page, no CSRF binding, no rate limits: a bench fixture, never deployed.
import { OAuthProvider } from "@cloudflare/workers-oauth-provider";

const FORM =
  '<form method="post"><input type="hidden" name="floor" value="1"><input type="password" name="passphrase"></form>';

const authorize = {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname !== "/authorize") return new Response(null, { status: 404 });
    if (request.method !== "POST") return new Response(FORM, { headers: { "Content-Type": "text/html" } });
    const form = await request.formData();
    if (!env.AUTH_PASSPHRASE || form.get("passphrase") !== env.AUTH_PASSPHRASE) {
      return new Response("wrong passphrase", { status: 403 });
    }
    const authRequest = await env.OAUTH_PROVIDER.parseAuthRequest(request);
    const { redirectTo } = await env.OAUTH_PROVIDER.completeAuthorization({
      request: authRequest,
      userId: "floor",
      metadata: {},
      scope: authRequest.scope,
      props: {},
    });
    return Response.redirect(redirectTo, 302);
  },
};

/**
 * A Worker that serves `mcpFetch` on /mcp to bearers of a token. `resourceMetadata.resource` is
 * fixed per provider and names the origin, which the bench chooses at run time: the provider is
 * built on the first request, as the template builds its own (src/template/auth/provider.ts).
 */
export function withOAuth(mcpFetch) {
  let provider;
  return {
    fetch(request, env, ctx) {
      const origin = new URL(request.url).origin;
      provider ??= new OAuthProvider({
        apiRoute: "/mcp",
        apiHandler: { fetch: mcpFetch },
        defaultHandler: authorize,
        authorizeEndpoint: "/authorize",
        tokenEndpoint: "/token",
        clientRegistrationEndpoint: "/register",
        resourceMetadata: { resource: `${origin}/mcp`, authorization_servers: [origin] },
      });
      return provider.fetch(request, env, ctx);
    },
  };
}
