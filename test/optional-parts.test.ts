import { EXTENSION_ID, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import { McpServer } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readSession } from "../src/template/mcp/legacy-session.js";
import { parts } from "../src/template/mcp/parts.gen.js";
import * as generated from "../src/template/mcp/registry.gen.js";
import { type Parts, WITHOUT } from "../src/template/mcp/seams.js";
import { useRegistry } from "../src/template/mcp/server.js";
import { conformanceRegistry } from "./conformance/fixtures/registry.js";
import { serving } from "./fixtures/harness.js";
import { post, sseMessages } from "./helpers/http.js";
import { answerOf, envelope, MODERN } from "./helpers/modern.js";

// What the endpoint does without each optional part (src/template/mcp/seams.ts): the part's
// stand-in, served here in its place, is exactly what a fork that deleted the part's folder gets.
// These run whether the parts are there or not (`npm run check:template` deletes each in turn).

/** Serves `name`'s stand-in for the tests of the calling block, then what was there again. */
function without(name: keyof Parts): void {
  let present: Parts[keyof Parts];
  beforeAll(() => {
    present = parts[name];
    Object.assign(parts, { [name]: WITHOUT[name] });
  });
  afterAll(() => {
    Object.assign(parts, { [name]: present });
  });
}

const LEGACY = { "MCP-Protocol-Version": "2025-11-25" };
const APPS = { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } };

async function initialize(capabilities: Record<string, unknown>) {
  const response = await post({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities, clientInfo: { name: "raw", version: "1" } },
  });
  expect(response.status).toBe(200);
  await response.body?.cancel();
  return response.headers.get("Mcp-Session-Id");
}

describe("without the questions part", () => {
  without("questions");
  beforeAll(() => useRegistry(conformanceRegistry));
  afterAll(() => useRegistry(generated));

  it("a 2025-era client that declared elicitation gets no session id, and is never asked", async () => {
    expect(await initialize({ elicitation: {} })).toBeNull();
    const response = await post(
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "test_elicitation", arguments: {} } },
      { headers: LEGACY },
    );
    // Told at once, in the call's result: one JSON body, no question on a stream.
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = (await response.json()) as { result: { isError: boolean; content: { text: string }[] } };
    expect(body.result.isError).toBe(true);
    expect(body.result.content[0]!.text).toContain("did not declare the required capability");
  });

  it("a session id that claims capabilities asks nothing either", async () => {
    const claim = { p: "2025-11-25", c: { elicitation: {} }, n: "x" };
    const sessionId = `v1.${btoa(JSON.stringify(claim)).replaceAll("=", "")}`;
    const response = await post(
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "test_elicitation", arguments: {} } },
      { headers: { ...LEGACY, "Mcp-Session-Id": sessionId } },
    );
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(((await response.json()) as { result: { isError: boolean } }).result.isError).toBe(true);
  });

  it("an answer to a question id is a posted response like any other (202, nothing delivered)", async () => {
    const response = await post({ jsonrpc: "2.0", id: "ask.anything", result: {} }, { headers: LEGACY });
    expect(response.status).toBe(202);
  });
});

describe("without the questions part, MCP Apps on a 2025-era client", () => {
  without("questions");
  serving();

  it("a 2025-era client that renders MCP Apps still gets a session id that says so, without capabilities", async () => {
    const sessionId = await initialize({ ...APPS, elicitation: {} });
    expect(readSession(sessionId)).toMatchObject({ apps: true, capabilities: {} });
    const listed = await post(
      { jsonrpc: "2.0", id: 3, method: "tools/list" },
      {
        headers: { ...LEGACY, "Mcp-Session-Id": sessionId! },
      },
    );
    const tools = ((await listed.json()) as { result: { tools: { _meta?: { ui?: unknown } }[] } }).result.tools;
    expect(tools.some((tool) => tool._meta?.ui)).toBe(true);
  });
});

describe("without the per-isolate answers", () => {
  without("isolateCache");
  serving();

  const list = (method: string, id: number) =>
    post(
      { jsonrpc: "2.0", id, method, params: { _meta: envelope() } },
      { headers: { "MCP-Protocol-Version": MODERN, "Mcp-Method": method } },
    );

  it("every list is the SDK's, computed on each request, and the same answer as with the part", async () => {
    const served = vi.spyOn(McpServer.prototype, "connect");
    const first = await answerOf(await list("tools/list", 1));
    const again = await answerOf(await list("tools/list", 2));
    expect(served).toHaveBeenCalledTimes(2);
    served.mockRestore();
    expect(again.result).toEqual(first.result);
    Object.assign(parts, { isolateCache: generatedParts.isolateCache });
    try {
      expect((await answerOf(await list("tools/list", 3))).result).toEqual(first.result);
    } finally {
      Object.assign(parts, { isolateCache: WITHOUT.isolateCache });
    }
  });

  it("2025 era: lists and calls are answered as before", async () => {
    const tools = await post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { headers: LEGACY });
    expect(((await tools.json()) as { result: { tools: unknown[] } }).result.tools.length).toBeGreaterThan(0);
    const streamed = await post(
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
      {
        headers: { ...LEGACY, Accept: "text/event-stream" },
      },
    );
    expect(await sseMessages(streamed)).toEqual([expect.objectContaining({ id: 2 })]);
  });
});

/** The parts as the build has them (restored between the blocks above). */
const generatedParts: Parts = { ...parts };
