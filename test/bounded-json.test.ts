import { describe, expect, it } from "vitest";
import { boundedJson } from "../src/template/mcp/message.js";

// src/template/mcp/message.ts: JSON for client-sent values, within bounds, never a walk of
// whatever depth or size the client chose.

const roomy = { maxDepth: 16, maxLength: 4096 };

describe("boundedJson", () => {
  it("writes what fits exactly as JSON.stringify does", () => {
    for (const value of [
      null,
      0,
      'quote " and \\ and \u2028',
      [1, "a", null, [], {}],
      { a: { b: [{ c: "d" }] }, 'key with "quotes"': true },
    ]) {
      expect(boundedJson(value, roomy)).toBe(JSON.stringify(value));
    }
  });

  it("gives up past the depth: the value itself is level 1", () => {
    const nest = (levels: number): unknown => (levels === 0 ? 1 : { x: nest(levels - 1) });
    expect(boundedJson(nest(16), roomy)).toBe(JSON.stringify(nest(16)));
    expect(boundedJson(nest(17), roomy)).toBeUndefined();
    expect(boundedJson(JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`), roomy)).toBeUndefined();
  });

  it("gives up past the length, however the length is made", () => {
    expect(boundedJson("x".repeat(4094), roomy)).toBe(JSON.stringify("x".repeat(4094)));
    expect(boundedJson("x".repeat(4095), roomy)).toBeUndefined();
    expect(
      boundedJson(
        Array.from({ length: 5000 }, () => 0),
        roomy,
      ),
    ).toBeUndefined();
    // Escapes make the JSON longer than the walk counts: the written length decides.
    expect(boundedJson("\u0000".repeat(1000), roomy)).toBeUndefined();
  });

  it("visits no more values than the length allows, however many there are", () => {
    let visited = 0;
    const many = new Proxy(
      Array.from({ length: 1_000_000 }, () => 0),
      {
        get(target, key, receiver) {
          if (typeof key === "string" && /^\d+$/.test(key)) visited++;
          return Reflect.get(target, key, receiver);
        },
      },
    );
    expect(boundedJson(many, { maxDepth: 4, maxLength: 100 })).toBeUndefined();
    expect(visited).toBeLessThanOrEqual(100);
  });
});
