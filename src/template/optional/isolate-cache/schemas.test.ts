import { describe, expect, it } from "vitest";
import * as z from "zod";
import { withCachedJsonSchema } from "./schemas.js";

const target = { target: "draft-2020-12" };

describe("withCachedJsonSchema", () => {
  const original = z.object({ name: z.string().describe("who"), count: z.number().int().default(1) });
  const cached = withCachedJsonSchema(original);

  it("converts once per schema, io and target, and answers with the same conversion", () => {
    const std = cached["~standard"] as unknown as { jsonSchema: Record<"input" | "output", (o: object) => unknown> };
    const first = std.jsonSchema.input(target);
    expect(std.jsonSchema.input(target)).toBe(first);
    expect(first).toEqual((original["~standard"] as unknown as typeof std).jsonSchema.input(target));
    // Input and output differ (a default makes a field optional only on input).
    expect(std.jsonSchema.output(target)).not.toEqual(first);
    // One wrapper per schema: every per-request registration finds the same one.
    expect(withCachedJsonSchema(original)).toBe(cached);
  });

  it("validates exactly as the original", async () => {
    expect(await cached["~standard"].validate({ name: "a" })).toEqual({ value: { name: "a", count: 1 } });
    const bad = await cached["~standard"].validate({ name: 1 });
    expect("issues" in bad && bad.issues?.length).toBeTruthy();
    expect(cached.parse({ name: "b", count: 2 })).toEqual({ name: "b", count: 2 });
    expect(Object.keys(cached.shape)).toEqual(["name", "count"]);
    expect(cached).toBeInstanceOf(z.ZodObject);
  });
});
