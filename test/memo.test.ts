import { describe, expect, it } from "vitest";
import { memo } from "../src/template/memo.js";

/** A function that counts its calls and answers when told to. */
function controlled<T>() {
  const calls: { key: unknown; resolve: (value: T) => void; reject: (error: Error) => void }[] = [];
  const fn = (key?: unknown) =>
    new Promise<T>((resolve, reject) => {
      calls.push({ key, resolve, reject });
    });
  return { fn, calls };
}

describe("memo", () => {
  it("calls once for concurrent and later callers, and hands all of them the same answer", async () => {
    const { fn, calls } = controlled<string>();
    const get = memo(() => fn());
    const first = get();
    const second = get();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve("loaded");
    expect(await first).toBe("loaded");
    expect(await second).toBe("loaded");
    expect(await get()).toBe("loaded");
    expect(calls).toHaveLength(1);
  });

  it("forgets a failure: every waiting caller sees it, the next call tries again", async () => {
    const { fn, calls } = controlled<string>();
    const get = memo(() => fn());
    const first = get();
    const second = get();
    calls[0]!.reject(new Error("offline"));
    await expect(first).rejects.toThrow("offline");
    await expect(second).rejects.toThrow("offline");
    const retry = get();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve("back");
    expect(await retry).toBe("back");
    expect(await get()).toBe("back");
    expect(calls).toHaveLength(2);
  });

  it("keeps one answer per key (the first argument unless `key` says otherwise)", async () => {
    const { fn, calls } = controlled<string>();
    const byArgument = memo((name: string) => fn(name));
    const a = byArgument("a");
    const b = byArgument("b");
    byArgument("a");
    expect(calls.map((c) => c.key)).toEqual(["a", "b"]);
    calls[0]!.resolve("A");
    calls[1]!.resolve("B");
    expect([await a, await b]).toEqual(["A", "B"]);

    const oneForAll = memo((name: string) => fn(name), { key: () => "one" });
    oneForAll("x");
    oneForAll("y");
    expect(calls.map((c) => c.key)).toEqual(["a", "b", "x"]);
  });

  it("a failed key is forgotten without touching the others", async () => {
    const { fn, calls } = controlled<string>();
    const get = memo((name: string) => fn(name));
    const a = get("a");
    const b = get("b");
    calls[0]!.resolve("A");
    calls[1]!.reject(new Error("no b"));
    await a;
    await expect(b).rejects.toThrow("no b");
    get("a");
    get("b");
    expect(calls.map((c) => c.key)).toEqual(["a", "b", "b"]);
  });

  it("holds at most `max` answers: when full it starts over", async () => {
    let calls = 0;
    const get = memo(
      async (key: number) => {
        calls++;
        return key * 2;
      },
      { max: 2 },
    );
    expect(await get(1)).toBe(2);
    expect(await get(2)).toBe(4);
    expect(calls).toBe(2);
    await get(1);
    expect(calls).toBe(2); // still kept
    expect(await get(3)).toBe(6); // full: everything dropped, 3 kept
    expect(calls).toBe(3);
    await get(1);
    expect(calls).toBe(4); // 1 was dropped with the rest
    await get(3);
    expect(calls).toBe(4);
  });

  it("an old failure settling late does not evict the answer that replaced it", async () => {
    const { fn, calls } = controlled<string>();
    const old = memo((key: string) => fn(key), { max: 1 });
    // Evicted by a newer key while in flight, then failing: the newer entry stays.
    const first = old("a");
    old("b"); // full: "a" dropped, "b" kept
    const again = old("a"); // full: "b" dropped, a new "a" kept
    calls[0]!.reject(new Error("late"));
    await expect(first).rejects.toThrow("late");
    expect(old("a")).toBe(again);
    expect(calls).toHaveLength(3);
  });
});
