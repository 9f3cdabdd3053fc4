import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd, the runtime that serves the Worker in production, with the bindings
// and vars of wrangler.toml. (This plugin was called @cloudflare/vitest-pool-workers before.)
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
  test: {
    include: ["test/**/*.test.ts"],
  },
});
