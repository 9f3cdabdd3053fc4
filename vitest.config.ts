import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type Plugin } from "vitest/config";
import { guardClassOf, TOKEN_DEPLOYMENTS, type TokenDeployment } from "./test/fixtures/token-settings.js";

// The MCP App views (dist/views/, the Worker's static assets) are built first: wrangler dev and
// deploy build them in their [build] step, which the test pool does not run. (~1 s)
execFileSync(process.execPath, ["scripts/views.mjs"], { stdio: "inherit" });

// Tests run inside workerd, the runtime that serves the Worker in production, with the bindings
// and vars of wrangler.toml. (This plugin was called @cloudflare/vitest-pool-workers before.)
// It does not run wrangler.toml's [build] command: `npm test` regenerates src/template/mcp/registry.gen.ts
// first (typecheck), and test/registry.test.ts checks that it lists the files that are there.
//
// The entry is test/worker.ts: the Worker as deployed, plus a RefreshGuard for each deployment in
// test/fixtures/token-settings.ts, bound as `<name>_GUARD` next to wrangler.toml's bindings.
const guards = Object.fromEntries(
  (Object.keys(TOKEN_DEPLOYMENTS) as TokenDeployment[]).map((name) => [
    `${name}_GUARD`,
    { className: guardClassOf(name), useSQLite: true },
  ]),
);

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      main: "./test/worker.ts",
      miniflare: { durableObjects: guards },
    }),
    quietForeignSourcemaps(),
  ],
  // wrangler.toml's [alias], which the test pool does not read: the tests run the SDK as it is uploaded.
  resolve: {
    alias: {
      "@modelcontextprotocol/server/_shims": fileURLToPath(new URL("src/template/mcp/sdk-shims.ts", import.meta.url)),
    },
  },
  test: {
    // The harness's tests in test/; a capability's own test beside its file
    // (src/server/tools/whoami.test.ts): deleting an example deletes its test with it.
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Expected errors are captured, not printed; a failing test prints its own (see the file).
    setupFiles: ["./test/helpers/console.ts"],
    // A file's first test pays for loading the SDK and the provider in a fresh isolate: seconds
    // on a busy 2-core machine (CI runs several Vitest processes side by side). A hung test still fails.
    testTimeout: 20_000,
    hookTimeout: 20_000,
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
