import { describe, expect, it } from "vitest";
import { takeSnapshot } from "../src/template/mcp/snapshot.js";
import { snapshot } from "../src/template/snapshot.gen.js";

describe("the build-time snapshot (src/template/snapshot.gen.ts)", () => {
  it("was taken: the build could evaluate every capability in Node", () => {
    expect(snapshot).toBeDefined();
  });

  it("is what the Worker computes in workerd: the same lists, for clients with and without MCP Apps, and the same settings", async () => {
    // Stale when a capability changed since the build: `npm run registry` takes it again.
    expect(snapshot).toEqual(await takeSnapshot());
  });
});
