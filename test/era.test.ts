import { isLegacyRequest } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { isLegacy, obviousEra } from "../src/template/mcp/era.js";

const PV = "io.modelcontextprotocol/protocolVersion";
const envelope = {
  [PV]: "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "c", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

/** Request bodies: what clients send, and what a confused or hostile one might. */
const bodies: Record<string, unknown> = {
  "2025 tools/list": { jsonrpc: "2.0", id: 1, method: "tools/list" },
  "2025 tools/call": { jsonrpc: "2.0", id: "a", method: "tools/call", params: { name: "t", arguments: {} } },
  "2025 notification": { jsonrpc: "2.0", method: "notifications/initialized" },
  "2025 request with other _meta": { jsonrpc: "2.0", id: 2, method: "tools/list", params: { _meta: { x: 1 } } },
  "2026 tools/list": { jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: envelope } },
  "2026 tools/call": { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "t", _meta: envelope } },
  "2026 notification": { jsonrpc: "2.0", method: "notifications/cancelled", params: { _meta: envelope } },
  "claim with a 2025 version": {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/list",
    params: { _meta: { [PV]: "2025-11-25" } },
  },
  "claim that is not a string": { jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: { [PV]: 7 } } },
  "claim with nothing else": { jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: { [PV]: "2026-07-28" } } },
  "initialize, 2025": {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "c", version: "1" } },
  },
  "initialize with an invalid claim": { jsonrpc: "2.0", id: 0, method: "initialize", params: { _meta: { [PV]: 1 } } },
  "initialize with a valid claim": { jsonrpc: "2.0", id: 0, method: "initialize", params: { _meta: envelope } },
  "id that is an object": { jsonrpc: "2.0", id: {}, method: "tools/list" },
  "id that is an object, with a claim": { jsonrpc: "2.0", id: {}, method: "tools/list", params: { _meta: envelope } },
  "no jsonrpc": { id: 1, method: "tools/list" },
  "jsonrpc 1.0": { jsonrpc: "1.0", id: 1, method: "tools/list" },
  "method that is a number": { jsonrpc: "2.0", id: 1, method: 5 },
  "params that is an array": { jsonrpc: "2.0", id: 1, method: "tools/list", params: [{ _meta: envelope }] },
  "_meta that is an array": { jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: [envelope] } },
  "a posted result": { jsonrpc: "2.0", id: 1, result: {} },
  "a posted error": { jsonrpc: "2.0", id: 1, error: { code: -1, message: "x" } },
  "a result with a method and a claim": { jsonrpc: "2.0", id: 1, method: "x", result: {}, params: { _meta: envelope } },
  "a batch": [{ jsonrpc: "2.0", id: 1, method: "tools/list" }],
  "an empty batch": [],
  null: null,
  "a string": "tools/list",
  "an empty object": {},
};
const headers: (string | undefined)[] = [
  undefined,
  "2025-11-25",
  "2025-06-18",
  "2024-11-05",
  "2026-07-28",
  "2099-01-01",
  "x",
];

function post(version: string | undefined, body: unknown): Request {
  return new Request("https://example.com/mcp", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(version !== undefined && { "MCP-Protocol-Version": version }),
    },
    body: JSON.stringify(body),
  });
}

describe("obviousEra: the SDK's era decision without its full classifier", () => {
  for (const [name, body] of Object.entries(bodies)) {
    for (const version of headers) {
      it(`agrees with isLegacyRequest: ${name}, MCP-Protocol-Version ${version ?? "absent"}`, async () => {
        const sdk = await isLegacyRequest(post(version, body), body);
        const quick = obviousEra(body, version ?? null);
        if (quick !== undefined) expect(quick === "legacy").toBe(sdk);
        expect(await isLegacy(post(version, body), body)).toBe(sdk);
      });
    }
  }

  it("decides what clients send without the classifier", () => {
    expect(obviousEra(bodies["2025 tools/list"], null)).toBe("legacy");
    expect(obviousEra(bodies["2025 tools/call"], "2025-11-25")).toBe("legacy");
    expect(obviousEra(bodies["2025 notification"], "2025-06-18")).toBe("legacy");
    expect(obviousEra(bodies["2026 tools/list"], "2026-07-28")).toBe("modern");
    expect(obviousEra(bodies["2026 tools/call"], "2026-07-28")).toBe("modern");
    // …and leaves the rest to the SDK.
    expect(obviousEra(bodies["initialize, 2025"], null)).toBeUndefined();
    expect(obviousEra(bodies["2025 tools/list"], "2026-07-28")).toBeUndefined();
    expect(obviousEra(bodies["a batch"], null)).toBeUndefined();
  });
});
