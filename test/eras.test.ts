import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it, vi } from "vitest";
import { version } from "../package.json";
import { serverInfo } from "../src/server/info.js";
import { serving } from "./fixtures/harness.js";
import { OPEN, post, sseMessages } from "./helpers/http.js";
import { answerOf, envelope, MODERN, modernPost } from "./helpers/modern.js";
import { BASE, fetchWorker, workerFetch } from "./helpers/worker.js";

const SERVER_INFO = { name: "mcp-worker-template", title: "MCP Worker Template", version };
const SERVER_INFO_KEY = "io.modelcontextprotocol/serverInfo";

// The harness fixtures, not the examples: deleting src/template/mcp/'s capabilities leaves this file green.
serving();

describe("2026-07-28: server/discover", () => {
  it("names the revision, the capabilities the Worker delivers, the instructions and who answers", async () => {
    const response = await modernPost("server/discover");
    expect(response.status).toBe(200);
    const { result } = await answerOf(response);
    expect(result).toMatchObject({
      supportedVersions: [MODERN],
      capabilities: {
        tools: { listChanged: false },
        resources: { listChanged: false },
        prompts: { listChanged: false },
        completions: {},
      },
      instructions: serverInfo.instructions,
      resultType: "complete",
      _meta: { [SERVER_INFO_KEY]: SERVER_INFO },
    });
    // Nothing a stateless Worker cannot deliver: no change notifications, no subscriptions, no logging.
    expect(JSON.stringify(result!.capabilities)).not.toMatch(/"listChanged":true|"subscribe"|"logging"/);
  });
});

describe("2026-07-28: every result", () => {
  it.each([
    ["tools/list", {}],
    ["prompts/list", {}],
    ["resources/list", {}],
    ["resources/templates/list", {}],
    ["tools/call", { name: "echo", arguments: { text: "hi" } }],
    ["resources/read", { uri: "fixture://about" }],
    ["prompts/get", { name: "summarize", arguments: { text: "x" } }],
    [
      "completion/complete",
      { ref: { type: "ref/resource", uri: "fixture://items/{id}" }, argument: { name: "id", value: "a" } },
    ],
  ])("%s carries resultType and the server's identity in _meta", async (method, params) => {
    const response = await modernPost(method, params, {
      headers: method === "completion/complete" ? { "Mcp-Name": "fixture://items/{id}" } : {},
    });
    expect(response.status).toBe(200);
    const { result, error } = await answerOf(response);
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ resultType: "complete", _meta: { [SERVER_INFO_KEY]: SERVER_INFO } });
  });
});

describe("2026-07-28: the per-request _meta envelope", () => {
  it("refuses a malformed envelope with 400 and -32602", async () => {
    const response = await modernPost(
      "tools/list",
      {},
      { meta: envelope({ "io.modelcontextprotocol/clientInfo": 42 }) },
    );
    expect(response.status).toBe(400);
    expect((await answerOf(response)).error).toMatchObject({ code: -32602 });
  });

  it("refuses a request whose header names 2026-07-28 but whose body has no envelope", async () => {
    const response = await modernPost("tools/list", {}, { meta: null });
    expect(response.status).toBe(400);
    expect((await answerOf(response)).error).toMatchObject({ code: -32602 });
  });

  it("refuses an unsupported revision with 400, -32022 and the supported ones in data.supported", async () => {
    const response = await modernPost(
      "tools/list",
      {},
      {
        meta: envelope({ "io.modelcontextprotocol/protocolVersion": "2099-01-01" }),
        headers: { "MCP-Protocol-Version": "2099-01-01" },
      },
    );
    expect(response.status).toBe(400);
    expect((await answerOf(response)).error).toMatchObject({
      code: -32022,
      data: { supported: [MODERN], requested: "2099-01-01" },
    });
  });
});

describe("2026-07-28: standard headers must agree with the body (-32020)", () => {
  const call = { name: "echo", arguments: { text: "hi" } };
  it.each([
    ["MCP-Protocol-Version missing", "tools/list", {}, { "MCP-Protocol-Version": "" }],
    ["MCP-Protocol-Version disagreeing", "tools/list", {}, { "MCP-Protocol-Version": "2025-11-25" }],
    ["Mcp-Method missing", "tools/list", {}, { "Mcp-Method": "" }],
    ["Mcp-Method disagreeing", "tools/list", {}, { "Mcp-Method": "prompts/list" }],
    ["Mcp-Name missing", "tools/call", call, { "Mcp-Name": "" }],
    ["Mcp-Name disagreeing", "tools/call", call, { "Mcp-Name": "caller" }],
    [
      "Mcp-Name disagreeing on a resource",
      "resources/read",
      { uri: "fixture://about" },
      { "Mcp-Name": "info://other" },
    ],
  ])("%s → 400 -32020", async (_, method, params, headers) => {
    const response = await modernPost(method, params, { headers });
    expect(response.status).toBe(400);
    expect((await answerOf(response)).error).toMatchObject({ code: -32020 });
  });
});

describe("2026-07-28: errors", () => {
  it.each(["ping", "initialize", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"])(
    "%s, removed from this revision, is 404 -32601",
    async (method) => {
      const params =
        method === "initialize"
          ? { protocolVersion: MODERN, capabilities: {}, clientInfo: { name: "x", version: "1" } }
          : method === "logging/setLevel"
            ? { level: "info" }
            : method.startsWith("resources/")
              ? { uri: "fixture://about" }
              : {};
      const response = await modernPost(method, params);
      expect(response.status).toBe(404);
      expect((await answerOf(response)).error).toMatchObject({ code: -32601 });
    },
  );

  it.each(["nope://x", "fixture://items/nope", "fixture://items/constructor"])(
    "a resource that does not exist (%s) is -32602 with its URI",
    async (uri) => {
      const { error } = await answerOf(await modernPost("resources/read", { uri }));
      expect(error).toMatchObject({ code: -32602, data: { uri } });
    },
  );

  it("an unknown tool is -32602 naming it", async () => {
    const { error } = await answerOf(await modernPost("tools/call", { name: "nope", arguments: {} }));
    expect(error).toMatchObject({ code: -32602, message: expect.stringContaining("nope") });
  });

  it("a batch holding a 2026-07-28 request is refused with 400 -32600 (the revision has no batches)", async () => {
    const request = { jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: envelope() } };
    for (const batch of [[request], [request, { jsonrpc: "2.0", id: 2, method: "tools/list" }]]) {
      const response = await post(batch, { headers: { "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list" } });
      expect(response.status).toBe(400);
      expect((await answerOf(response)).error).toMatchObject({ code: -32600 });
    }
  });

  it("answers over SSE a client that accepts only text/event-stream", async () => {
    const response = await modernPost("tools/list", {}, { headers: { Accept: "text/event-stream" } });
    expect(response.status).toBe(200);
    const [message] = await sseMessages(response);
    expect(message).toMatchObject({ id: 1, result: { resultType: "complete", tools: expect.any(Array) } });
  });

  it("subscriptions/listen honours nothing and ends at once: nothing changes while the Worker runs", async () => {
    const response = await modernPost("subscriptions/listen", {
      notifications: { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true },
    });
    expect(response.status).toBe(200);
    // sseMessages reads to the end: the stream closes by itself, it is not held open.
    const messages = await sseMessages(response);
    expect(messages).toEqual([
      expect.objectContaining({
        method: "notifications/subscriptions/acknowledged",
        params: expect.objectContaining({ notifications: {} }),
      }),
      expect.objectContaining({ id: 1, result: expect.objectContaining({ resultType: "complete" }) }),
    ]);
  });

  it("a notification is accepted with 202", async () => {
    const response = await post(
      { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, _meta: envelope() } },
      { headers: { "MCP-Protocol-Version": MODERN, "Mcp-Method": "notifications/cancelled" } },
    );
    expect(response.status).toBe(202);
  });
});

describe("the 2025 era, stateless", () => {
  it.each(["2025-11-25", "2025-06-18", "2025-03-26"])(
    "%s: initialize, ping and the lists work, and nothing of 2026-07-28 leaks in",
    async (revision) => {
      const init = await answerOf(
        await post({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion: revision, capabilities: {}, clientInfo: { name: "x", version: "1" } },
        }),
      );
      expect(init.result).toMatchObject({
        protocolVersion: revision,
        serverInfo: SERVER_INFO,
        capabilities: { tools: { listChanged: false } },
      });
      const headers = { "MCP-Protocol-Version": revision };
      expect(await answerOf(await post({ jsonrpc: "2.0", id: 2, method: "ping" }, { headers }))).toMatchObject({
        result: {},
      });
      for (const method of ["tools/list", "resources/list", "resources/templates/list", "prompts/list"]) {
        const { result } = await answerOf(await post({ jsonrpc: "2.0", id: 3, method }, { headers }));
        expect(result).toBeDefined();
        expect(result).not.toHaveProperty("resultType");
        expect(result).not.toHaveProperty("ttlMs");
        expect(result).not.toHaveProperty("cacheScope");
        expect(result?._meta ?? {}).not.toHaveProperty(SERVER_INFO_KEY);
      }
    },
  );

  it("answers an initialize naming a revision it does not know with its own latest 2025 revision", async () => {
    const { result } = await answerOf(
      await post({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2024-01-01", capabilities: {}, clientInfo: { name: "x", version: "1" } },
      }),
    );
    expect(result).toMatchObject({ protocolVersion: "2025-11-25" });
  });

  it("treats server/discover without an envelope as a 2025-era request: not a method there", async () => {
    const { error } = await answerOf(await post({ jsonrpc: "2.0", id: 1, method: "server/discover" }));
    expect(error).toMatchObject({ code: -32601 });
  });
});

describe("clients that negotiate", () => {
  it("the v2 client in auto mode finds 2026-07-28 (server/discover), as the Inspector's modern era does", async () => {
    const client = new Client({ name: "auto", version: "1" }, { versionNegotiation: { mode: "auto" } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { fetch: workerFetch(OPEN) }));
    expect(client.getProtocolEra()).toBe("modern");
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it("the v2 client by default speaks 2025-11-25 (initialize), and pings", async () => {
    const client = new Client({ name: "default", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { fetch: workerFetch(OPEN) }));
    expect(client.getProtocolEra()).toBe("legacy");
    await expect(client.ping()).resolves.toBeDefined();
    await client.close();
  });
});

describe("no 2026-07-28 client mistake yields a 500", () => {
  const call = { name: "echo", arguments: { text: "hi" } };
  const cases: [string, () => Promise<Response>][] = [
    ["_meta is a string", () => modernPost("tools/list", {}, { meta: "x" as never })],
    ["_meta is null", () => modernPost("tools/list", {}, { meta: { _: null } })],
    [
      "the envelope's version is a number",
      () => modernPost("tools/list", {}, { meta: envelope({ "io.modelcontextprotocol/protocolVersion": 2026 }) }),
    ],
    [
      "the capabilities are an array",
      () => modernPost("tools/list", {}, { meta: envelope({ "io.modelcontextprotocol/clientCapabilities": [] }) }),
    ],
    [
      "no capabilities",
      () =>
        modernPost("tools/list", {}, { meta: envelope({ "io.modelcontextprotocol/clientCapabilities": undefined }) }),
    ],
    [
      "Mcp-Name with a broken Base64 sentinel",
      () => modernPost("tools/call", call, { headers: { "Mcp-Name": "=?base64?%%%?=" } }),
    ],
    ["a 64 KiB Mcp-Name", () => modernPost("tools/call", call, { headers: { "Mcp-Name": "a".repeat(64 * 1024) } })],
    ["a 64 KiB Mcp-Method", () => modernPost("tools/list", {}, { headers: { "Mcp-Method": "a".repeat(64 * 1024) } })],
    [
      "a garbage MCP-Protocol-Version",
      () => modernPost("tools/list", {}, { headers: { "MCP-Protocol-Version": "../\t%00" } }),
    ],
    [
      "params is an array",
      () =>
        post(
          { jsonrpc: "2.0", id: 1, method: "tools/list", params: [envelope()] },
          { headers: { "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list" } },
        ),
    ],
    ["arguments is null", () => modernPost("tools/call", { name: "caller", arguments: null })],
    [
      "inputResponses that are garbage",
      () => modernPost("tools/call", { ...call, inputResponses: 7, requestState: {} }),
    ],
    ["requestState from nowhere", () => modernPost("tools/call", { ...call, requestState: "x".repeat(10_000) })],
    ["subscriptions/listen", () => modernPost("subscriptions/listen", { filter: {} })],
    ["an unknown method", () => modernPost("tools/destroy")],
    [
      "a response posted with an envelope",
      () =>
        post({ jsonrpc: "2.0", id: 1, result: { _meta: envelope() } }, { headers: { "MCP-Protocol-Version": MODERN } }),
    ],
  ];

  it.each(cases)("%s", async (_label, send) => {
    const response = await send();
    expect(response.status).toBeLessThan(500);
    if ((response.headers.get("Content-Type") ?? "").startsWith("text/event-stream")) await response.body?.cancel();
    else await response.text();
  });
});

describe("a client that goes away", () => {
  it.each(["2026-07-28", "2025-11-25"])(
    "%s: aborts the tool's work (ctx.signal) and the exchange ends with 499",
    async (revision) => {
      let upstream: AbortSignal | undefined;
      const started = Promise.withResolvers<void>();
      vi.spyOn(globalThis, "fetch").mockImplementation((_input, init) => {
        upstream = init?.signal ?? undefined;
        started.resolve();
        // The upstream never answers: only the abort ends this call.
        return new Promise((_, reject) => upstream!.addEventListener("abort", () => reject(upstream!.reason)));
      });
      const params = { name: "relay", arguments: {} };
      const modern = revision === MODERN;
      const body = {
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: modern ? { ...params, _meta: envelope() } : params,
      };
      const headers = {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        "MCP-Protocol-Version": revision,
        ...(modern && { "Mcp-Method": "tools/call", "Mcp-Name": "relay" }),
      };
      const client = new AbortController();
      const pending = fetchWorker(
        `${BASE}/mcp`,
        { method: "POST", headers, body: JSON.stringify(body), signal: client.signal },
        OPEN,
      );
      await started.promise;
      expect(upstream?.aborted).toBe(false);
      client.abort();
      await vi.waitFor(() => expect(upstream?.aborted).toBe(true));
      expect((await pending).status).toBe(499);
      vi.restoreAllMocks();
    },
  );
});
