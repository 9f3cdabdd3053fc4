import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type Plugin } from "vitest/config";

// Tests run inside workerd, the runtime that serves the Worker in production, with the bindings
// and vars of wrangler.toml. (This plugin was called @cloudflare/vitest-pool-workers before.)
// It runs wrangler.toml's [build] command first, as `wrangler dev` and `deploy` do, so
// src/mcp/registry.gen.ts always lists the files that are there (test/registry.test.ts checks it).
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } }), quietForeignSourcemaps()],
  test: {
    include: ["test/**/*.test.ts"],
    // Expected errors are captured, not printed; a failing test prints its own (see the file).
    setupFiles: ["./test/helpers/console.ts"],
    provide: { testLogs: Boolean(process.env.TEST_LOGS) },
  },
});

/**
 * Packages such as the MCP SDK ship source maps that name sources they do not ship, and Vite
 * warns once per file: dozens of lines no one here can act on. Only that warning, only for
 * node_modules, is dropped. (Vitest installs its own logger, so this wraps the resolved one.)
 */
function quietForeignSourcemaps(): Plugin {
  return {
    name: "quiet-foreign-sourcemaps",
    configResolved({ logger }) {
      const warnOnce = logger.warnOnce.bind(logger);
      logger.warnOnce = (message, options) => {
        if (/^Sourcemap for ".*\/node_modules\/.*" points to missing source files$/.test(message)) return;
        warnOnce(message, options);
      };
    },
  };
}
