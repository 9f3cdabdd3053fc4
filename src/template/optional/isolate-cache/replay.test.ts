import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { McpServer } from "@modelcontextprotocol/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { emptyRegistry, harnessRegistry, serving } from "../../../../test/fixtures/harness.js";
import { post, sseMessages } from "../../../../test/helpers/http.js";
import { answerOf, envelope, MODERN, modernPost } from "../../../../test/helpers/modern.js";
import { useRegistry } from "../../mcp/server.js";
import { forgetAnswers, keptAnswers, replayable } from "./replay.js";

// ./replay.ts: the SDK's answer to a list (or server/discover) is kept per isolate and
// replayed to the same request. What must hold: a replayed answer is byte for byte what the SDK
// would have sent for that request; any difference in what the SDK reads reaches the SDK; only
// successful JSON answers are kept; the memo is bounded.

serving();
beforeEach(() => forgetAnswers());
afterEach(() => vi.restoreAllMocks());

const LEGACY = "2025-11-25";
const APPS = { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } };

function legacyPost(method: string, id: unknown, headers: Record<string, string> = {}) {
  return post({ jsonrpc: "2.0", id, method }, { headers: { "MCP-Protocol-Version": LEGACY, ...headers } });
}

function modernWithId(method: string, id: unknown, options: { meta?: Record<string, unknown> } = {}) {
  // modernPost takes numeric ids only; strings and odd ids go through `post` with the same headers.
  return post(
    { jsonrpc: "2.0", id, method, params: { _meta: options.meta ?? envelope() } },
    { headers: { "MCP-Protocol-Version": MODERN, "Mcp-Method": method } },
  );
}

/** Status, the headers the SDK set, and the body, as a client receives them. */
async function received(response: Response) {
  return {
    status: response.status,
    type: response.headers.get("Content-Type"),
    body: await response.text(),
  };
}

const METHODS = ["tools/list", "resources/list", "resources/templates/list", "prompts/list"];

describe("a replayed answer is the SDK's answer to that request", () => {
  it.each([...METHODS, "server/discover"])("2026-07-28 %s", async (method) => {
    const first = await received(await modernWithId(method, 7));
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ id: 7, result: { resultType: "complete" } });
    expect(keptAnswers()).toBe(1);

    const replayed = await received(await modernWithId(method, "second"));
    expect(keptAnswers()).toBe(1);
    forgetAnswers();
    const fromSdk = await received(await modernWithId(method, "second"));
    expect(replayed).toEqual(fromSdk);
    expect(JSON.parse(replayed.body).id).toBe("second");
  });

  it.each(METHODS)("2025 era %s", async (method) => {
    const first = await received(await legacyPost(method, 1));
    expect(first.status).toBe(200);
    expect(keptAnswers()).toBe(1);

    const replayed = await received(await legacyPost(method, 99));
    forgetAnswers();
    const fromSdk = await received(await legacyPost(method, 99));
    expect(replayed).toEqual(fromSdk);
    expect(JSON.parse(replayed.body)).toMatchObject({ jsonrpc: "2.0", id: 99, result: {} });
  });

  it.each([
    ["2026-07-28", (id: number) => modernWithId("tools/list", id)],
    ["2025 era", (id: number) => legacyPost("tools/list", id)],
  ])("%s: a replayed answer builds no server", async (_era, ask) => {
    const served = vi.spyOn(McpServer.prototype, "connect");
    await ask(1);
    expect(served).toHaveBeenCalledTimes(1);
    await ask(2);
    await ask(3);
    expect(served).toHaveBeenCalledTimes(1);
  });

  it("carries each request's own id, however it is written", async () => {
    await modernWithId("tools/list", 1);
    for (const id of ['quote " and \\ and \u2028', "ü😀", 0, -1.5, 12345678901234]) {
      const { body } = await received(await modernWithId("tools/list", id));
      expect(JSON.parse(body).id).toBe(id);
    }
    expect(keptAnswers()).toBe(1);
  });

  it("answers concurrent requests each with its own id", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `call-${i}`);
    const answers = await Promise.all(ids.map((id) => modernWithId("tools/list", id).then(answerOf)));
    expect(answers.map((a) => a.id)).toEqual(ids);
    const results = new Set(answers.map((a) => JSON.stringify(a.result)));
    expect(results.size).toBe(1);
    // And after them, the kept answer is the same one.
    const again = await answerOf(await modernWithId("tools/list", "after"));
    expect(JSON.stringify(again.result)).toBe([...results][0]);
  });
});

describe("what differs reaches the SDK", () => {
  it("a header that disagrees with the body is refused, after the same body was answered", async () => {
    expect((await modernPost("tools/list")).status).toBe(200);
    const wrongMethod = await modernPost("tools/list", {}, { headers: { "Mcp-Method": "prompts/list" } });
    expect(wrongMethod.status).toBe(400);
    expect((await answerOf(wrongMethod)).error?.code).toBe(-32020);
    const wrongVersion = await modernPost("tools/list", {}, { headers: { "MCP-Protocol-Version": "2025-06-18" } });
    expect(wrongVersion.status).toBe(400);
    expect((await answerOf(wrongVersion)).error).toBeDefined();
    expect(keptAnswers()).toBe(1);
  });

  it("a client that renders MCP Apps gets the list with views, one that does not gets it without", async () => {
    const plain = await answerOf(await modernWithId("tools/list", 1));
    const withApps = await answerOf(
      await modernWithId("tools/list", 2, {
        meta: envelope({ "io.modelcontextprotocol/clientCapabilities": APPS }),
      }),
    );
    const uiOf = (answer: typeof plain) =>
      ((answer.result?.tools ?? []) as { name: string; _meta?: { ui?: unknown } }[]).filter((tool) => tool._meta?.ui);
    expect(uiOf(plain)).toEqual([]);
    expect(uiOf(withApps).length).toBeGreaterThan(0);
    // Asked again, each gets its own kind.
    expect(uiOf(await answerOf(await modernWithId("tools/list", 3)))).toEqual([]);
    expect(keptAnswers()).toBe(2);
  });

  it("a client that takes only an event stream gets one, and nothing is kept", async () => {
    const response = await legacyPost("tools/list", 1, { Accept: "text/event-stream" });
    expect(response.status).toBe(200);
    const [message] = await sseMessages(response);
    expect(message).toMatchObject({ id: 1, result: { tools: expect.any(Array) } });
    expect(keptAnswers()).toBe(0);
  });

  it("a swapped registry is served at once, not the answer kept for the one before", async () => {
    const before = await answerOf(await modernWithId("tools/list", 1));
    expect(((before.result?.tools ?? []) as unknown[]).length).toBeGreaterThan(0);
    useRegistry(emptyRegistry);
    try {
      // The empty registry has no tools: the SDK refuses tools/list, and nothing stale is replayed.
      const after = await modernWithId("tools/list", 2);
      expect((await answerOf(after)).error?.code).toBe(-32601);
    } finally {
      useRegistry(harnessRegistry);
    }
  });
});

describe("only what can be replayed is kept", () => {
  it("keeps no error", async () => {
    const refused = await post(
      { jsonrpc: "2.0", id: 1, method: "tools/list", params: { cursor: 42, _meta: envelope() } },
      { headers: { "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list" } },
    );
    expect((await answerOf(refused)).error).toBeDefined();
    expect((await legacyPost("server/discover", 1)).status).not.toBe(500);
    expect(keptAnswers()).toBe(0);
  });

  it("keeps nothing for calls, batches, notifications or long ids, and answers them all", async () => {
    const call = await modernPost("tools/call", { name: "echo", arguments: { text: "hi" } });
    expect(call.status).toBe(200);
    const batch = await post([{ jsonrpc: "2.0", id: 1, method: "tools/list" }], {
      headers: { "MCP-Protocol-Version": "2025-03-26" },
    });
    expect(batch.status).toBe(200);
    const longId = "x".repeat(500);
    const long = await answerOf(await modernWithId("tools/list", longId));
    expect(long.id).toBe(longId);
    expect(keptAnswers()).toBe(0);
  });

  it("keeps at most 64 answers, however many different requests come", async () => {
    for (let i = 0; i < 80; i++) {
      const meta = envelope({ "io.modelcontextprotocol/clientInfo": { name: `client-${i}`, version: "1.0.0" } });
      expect((await modernWithId("prompts/list", i, { meta })).status).toBe(200);
    }
    expect(keptAnswers()).toBe(64);
  });
});

describe("the key is written by a bounded walk", () => {
  /** A `_meta` that is deeper than anything could serialise: every level has one more inside. */
  function bottomless(touched: { count: number }): object {
    return new Proxy(
      {},
      {
        ownKeys: () => ["x"],
        getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
        get: (_target, key) => {
          touched.count++;
          return key === "x" ? bottomless(touched) : undefined;
        },
      },
    );
  }

  it("gives up on a request nested deeper than any real one, after a few levels", () => {
    const touched = { count: 0 };
    const request = new Request("http://localhost/mcp", { method: "POST" });
    const body = { jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: bottomless(touched) } };
    expect(replayable({ request, body, caller: "none ", apps: false, source: {} }, () => true)).toBeUndefined();
    expect(touched.count).toBeLessThan(20);
  });

  it("keys a real request (the envelope, capabilities and all)", () => {
    const request = new Request("http://localhost/mcp", { method: "POST" });
    const body = {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/list",
      params: { _meta: envelope({ "io.modelcontextprotocol/clientCapabilities": APPS }) },
    };
    expect(replayable({ request, body, caller: "none ", apps: false, source: {} }, () => true)).toMatchObject({
      id: 1,
    });
  });
});
