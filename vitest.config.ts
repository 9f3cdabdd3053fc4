import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd, the runtime that serves the Worker in production, with the bindings
// and vars of wrangler.toml. (This plugin was called @cloudflare/vitest-pool-workers before.)
// It runs wrangler.toml's [build] command first, as `wrangler dev` and `deploy` do, so
// src/mcp/registry.gen.ts always lists the files that are there (test/registry.test.ts checks it).
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
  test: {
    include: ["test/**/*.test.ts"],
  },
});
