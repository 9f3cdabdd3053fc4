import { oauthGateway } from "./auth/gateway.js";
import { type Config, ConfigError, getConfig } from "./config.js";
import { createApp } from "./http/app.js";

const app = createApp();
const gateway = oauthGateway(app);

/**
 * The Worker. MCP_AUTH=none serves the app as is; MCP_AUTH=oauth puts the OAuth provider in
 * front of it (see src/auth/).
 */
export default {
  async fetch(request, env, ctx): Promise<Response> {
    let config: Config;
    try {
      config = getConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        return new Response(`${error.message}\n`, { status: 500, headers: { "Content-Type": "text/plain" } });
      }
      throw error;
    }
    if (config.auth === "oauth") return gateway(request, env, ctx, config);
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
