import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Secrets } from "../src/template/config.js";
import * as generated from "../src/template/mcp/registry.gen.js";
import { useRegistry } from "../src/template/mcp/server.js";
import { conformanceRegistry } from "./conformance/fixtures/registry.js";
import { post, sseMessages } from "./helpers/http.js";
import { LegacyClient, LegacyHttpTransport, legacyValidator } from "./helpers/legacy-client.js";
import { BASE, workerFetch } from "./helpers/worker.js";

// The conformance fixtures (test/conformance/fixtures) served by the Worker's own stack, as
// `npm run conformance` serves them: a registry any test can swap in. Also the rules the suite
// found missing: 2025-era answers that stream progress and log messages, and sealed requestState.

const SECRET = { REQUEST_STATE_SECRET: "a-test-key-that-is-at-least-32-bytes-long" };

beforeAll(() => useRegistry(conformanceRegistry));
afterAll(() => useRegistry(generated));

/** The JSON-RPC error code of a refused request (these carry `data` too). */
async function errorCode(response: Response): Promise<number> {
  const body = (await response.json()) as { error?: { code: number } };
  return body.error?.code ?? 0;
}

/** A 2026-07-28 request: the per-request envelope and the standard headers. */
function modern(id: number, method: string, params: Record<string, unknown>, vars: Partial<Env & Secrets> = SECRET) {
  const name = (params.name ?? params.uri) as string | undefined;
  return post(
    {
      jsonrpc: "2.0",
      id,
      method,
      params: {
        ...params,
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": { elicitation: {}, sampling: {} },
        },
      },
    },
    {
      headers: { "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method, ...(name && { "Mcp-Name": name }) },
      vars,
    },
  );
}

const callProgress = {
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: { name: "test_tool_with_progress", arguments: {}, _meta: { progressToken: "p-1" } },
};

describe("the 2025-era leg answers with a stream only when the handler reports something first", () => {
  it("streams progress notifications, then the result, to a client that takes both", async () => {
    const response = await post(callProgress, { headers: { "MCP-Protocol-Version": "2025-11-25" } });
    const messages = (await sseMessages(response)) as { method?: string; params?: { progress: number }; id?: number }[];
    expect(messages.filter((m) => m.method === "notifications/progress").map((m) => m.params?.progress)).toEqual([
      0, 50, 100,
    ]);
    expect(messages.at(-1)).toMatchObject({ id: 7, result: { content: [{ text: "Progress tool completed" }] } });
  });

  it("answers one JSON body when the handler only answers", async () => {
    const response = await post(
      { jsonrpc: "2.0", id: 8, method: "tools/call", params: { name: "test_simple_text", arguments: {} } },
      { headers: { "MCP-Protocol-Version": "2025-11-25" } },
    );
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ id: 8, result: { content: [{ type: "text" }] } });
  });

  it("never streams to a client that takes only JSON (its notifications are dropped, the result arrives)", async () => {
    const response = await post(callProgress, {
      headers: { "MCP-Protocol-Version": "2025-11-25", Accept: "application/json" },
    });
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ id: 7, result: { content: [{ text: "Progress tool completed" }] } });
  });

  it("delivers log messages to the 1.x SDK client during a call", async () => {
    const client = new LegacyClient({ name: "t", version: "1" }, { jsonSchemaValidator: legacyValidator });
    await client.connect(new LegacyHttpTransport(new URL(`${BASE}/mcp`), { fetch: workerFetch({ MCP_AUTH: "none" }) }));
    const logs: unknown[] = [];
    client.setNotificationHandler(
      (await import("@modelcontextprotocol/sdk/types.js")).LoggingMessageNotificationSchema,
      (n) => void logs.push(n.params.data),
    );
    const result = await client.callTool({ name: "test_tool_with_logging", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(logs).toEqual(["Tool execution started", "Tool processing data", "Tool execution completed"]);
    await client.close();
  });
});

describe("requestState is sealed with REQUEST_STATE_SECRET", () => {
  async function firstRound(vars = SECRET) {
    const response = await modern(
      1,
      "tools/call",
      { name: "test_input_required_result_request_state", arguments: {} },
      vars,
    );
    const body = (await response.json()) as { result: { resultType: string; requestState: string } };
    expect(body.result.resultType).toBe("input_required");
    return body.result.requestState;
  }
  const confirm = { confirm: { action: "accept", content: { ok: true } } };

  it("accepts the state it minted, echoed verbatim", async () => {
    const requestState = await firstRound();
    const response = await modern(2, "tools/call", {
      name: "test_input_required_result_request_state",
      arguments: {},
      inputResponses: confirm,
      requestState,
    });
    expect(await response.json()).toMatchObject({
      result: { content: [{ text: expect.stringContaining("state-ok") }] },
    });
  });

  it("refuses a changed state with -32602 before the handler runs", async () => {
    const requestState = await firstRound();
    const [body, mac] = [requestState.slice(0, requestState.lastIndexOf(".")), requestState.slice(-6)];
    for (const tampered of [`${requestState}-TAMPERED`, `${body}.${"A".repeat(43)}`, mac, "v1.e30.e30"]) {
      const response = await modern(3, "tools/call", {
        name: "test_input_required_result_request_state",
        arguments: {},
        inputResponses: confirm,
        requestState: tampered,
      });
      expect(await errorCode(response), tampered).toBe(-32602);
    }
  });

  it("refuses state minted for another method", async () => {
    const requestState = await firstRound();
    const response = await modern(4, "prompts/get", {
      name: "test_input_required_result_prompt",
      inputResponses: { user_context: { action: "accept", content: { context: "x" } } },
      requestState,
    });
    expect(await errorCode(response)).toBe(-32602);
  });

  it("fails closed without the secret once deployed: state minted under a key is refused, and none is minted", async () => {
    const requestState = await firstRound();
    // On loopback (wrangler dev) the server signs with a key of its own isolate; deployed, never.
    const noSecret = { REQUEST_STATE_SECRET: "", PUBLIC_URL: "https://mcp.example.com" };
    const echoed = await modern(
      5,
      "tools/call",
      { name: "test_input_required_result_request_state", arguments: {}, inputResponses: confirm, requestState },
      noSecret,
    );
    expect(await errorCode(echoed)).toBe(-32602);
    const fresh = await modern(
      6,
      "tools/call",
      { name: "test_input_required_result_request_state", arguments: {} },
      noSecret,
    );
    expect(await fresh.json()).toMatchObject({
      result: { isError: true, content: [{ text: expect.stringContaining("REQUEST_STATE_SECRET") }] },
    });
  });
});

describe("the fixture registry through the Worker", () => {
  it("replaces the example tools", async () => {
    const response = await modern(9, "tools/list", {});
    const { result } = (await response.json()) as { result: { tools: { name: string }[] } };
    const names = result.tools.map((t) => t.name);
    expect(names).toEqual(conformanceRegistry.tools.map((t) => t.name));
    const generatedTools: readonly { name: string }[] = generated.tools;
    for (const tool of generatedTools) expect(names).not.toContain(tool.name);
  });

  it("answers -32021 (HTTP 400) when a tool needs a capability the client did not declare", async () => {
    const response = await post(
      {
        jsonrpc: "2.0",
        id: 10,
        method: "tools/call",
        params: {
          name: "test_missing_capability",
          arguments: {},
          _meta: {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
          },
        },
      },
      {
        headers: {
          "MCP-Protocol-Version": "2026-07-28",
          "Mcp-Method": "tools/call",
          "Mcp-Name": "test_missing_capability",
        },
      },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number; data: unknown } };
    expect(body.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { sampling: {} } } });
  });
});
