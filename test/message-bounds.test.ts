import { beforeAll, describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../src/template/json-depth.js";
import { serving } from "./fixtures/harness.js";
import { errorOf, OPEN, PING, post } from "./helpers/http.js";
import { envelope, MODERN } from "./helpers/modern.js";
import { MCP_URL, signIn, withPassphrase } from "./helpers/oauth.js";

serving();

const LEVELS = 100_000;
// Both shapes a parser or serialiser recurses on: arrays, and objects (600 KB, under MAX_BODY_BYTES).
const DEEP_ARRAY = `${"[".repeat(LEVELS)}${"]".repeat(LEVELS)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(LEVELS)}1${"}".repeat(LEVELS)}`;

/** Every method a client can send, with the params that reach the handler, and notifications. */
const METHODS = [
  "initialize",
  "ping",
  "tools/list",
  "tools/call",
  "resources/list",
  "resources/read",
  "resources/templates/list",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "logging/setLevel",
  "server/discover",
  "notifications/initialized",
  "notifications/cancelled",
];

/** A message whose params carry `deep` under `_meta` (what the list replay keys on) or as an argument. */
function deepMessage(method: string, deep: string, era: "2025" | "2026", where: "_meta" | "arguments"): string {
  const id = method.startsWith("notifications/") ? "" : '"id":1,';
  const meta = era === "2026" ? JSON.stringify(envelope()).slice(1, -1) : '"progressToken":1';
  const inMeta = where === "_meta" ? `,"deep":${deep}` : "";
  const inArguments = where === "arguments" ? deep : '"hi"';
  return `{"jsonrpc":"2.0",${id}"method":"${method}","params":{"name":"echo","uri":"fixture://about","_meta":{${meta}${inMeta}},"arguments":{"text":${inArguments}}}}`;
}

function headersFor(method: string, era: "2025" | "2026", token?: string): Record<string, string> {
  return {
    ...(era === "2026" ? { "MCP-Protocol-Version": MODERN, "Mcp-Method": method } : {}),
    ...(era === "2025" && method !== "initialize" ? { "MCP-Protocol-Version": "2025-06-18" } : {}),
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
  };
}

describe("a message nested 100,000 levels deep is refused where the body is read, never a 5xx", () => {
  let token = "";
  beforeAll(async () => {
    token = (await signIn()).tokens.access_token;
  });

  for (const auth of ["off", "on"] as const) {
    for (const era of ["2025", "2026"] as const) {
      it(`every method, ${era} era, authentication ${auth}: 400 with a JSON-RPC Invalid Request`, async () => {
        for (const method of METHODS) {
          for (const [deep, where] of [
            [DEEP_ARRAY, "_meta"],
            [DEEP_OBJECT, "arguments"],
          ] as const) {
            const response = await post(deepMessage(method, deep, era, where), {
              headers: headersFor(method, era, auth === "on" ? token : undefined),
              ...(auth === "on" && { url: MCP_URL, vars: { ...withPassphrase, MCP_AUTH: "oauth" } }),
            });
            expect(response.status, `${method}, ${era}, auth ${auth}`).toBe(400);
            expect(await errorOf(response)).toEqual({
              code: -32600,
              message: `Invalid Request: the message nests more than ${MAX_JSON_DEPTH} levels deep`,
            });
          }
        }
      });
    }
  }

  it("a bare deep array, and one inside a batch", async () => {
    for (const body of [DEEP_ARRAY, `[${JSON.stringify(PING)},${DEEP_ARRAY}]`]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe(-32600);
    }
  });

  it(`${MAX_JSON_DEPTH} levels are served; brackets inside strings do not count`, async () => {
    // The envelope and params take 3 levels; the argument brings the message to exactly the limit.
    const nested = `${"[".repeat(MAX_JSON_DEPTH - 3)}${"]".repeat(MAX_JSON_DEPTH - 3)}`;
    const atLimit = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":{"x":${nested}}}}`;
    expect(nestsDeeperThan(atLimit)).toBe(false);
    expect((await post(atLimit, { headers: { "MCP-Protocol-Version": "2025-06-18" } })).status).toBe(200);

    const text = `${"[{".repeat(200)}\\"`;
    const call = { name: "echo", arguments: { text: text.slice(0, 1000) } };
    const response = await post({ jsonrpc: "2.0", id: 2, method: "tools/call", params: call }, { vars: OPEN });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { result: { structuredContent: { text: string } } };
    expect(answer.result.structuredContent.text).toBe(text.slice(0, 1000));
  });
});

describe("the scan that bounds depth", () => {
  it.each([
    ["flat", '{"a":[1,2,{"b":3}]}', 3, false],
    ["one level too many", "[[[[]]]]", 3, true],
    ["brackets in a string", '["[[[[[[[[[["]', 3, false],
    ["an escaped quote does not end the string", '["\\"[[[[[[[["]', 3, false],
    ["an escaped backslash does end it", `["\\\\",[[[[]]]]]`, 3, true],
    ["a closer before its opener: not JSON, left to the parser", "]]]]]][[[[[[[[", 3, false],
    ["an unterminated string", '["[[[[[[[[', 3, false],
  ])("%s", (_, text, max, deeper) => {
    expect(nestsDeeperThan(text, max)).toBe(deeper);
  });
});

describe("batches (2025-03-26) are capped", () => {
  const pings = (n: number) => Array.from({ length: n }, (_, i) => ({ ...PING, id: i + 1 }));

  it("20 messages are answered; 21 are refused as one Invalid Request, before any runs", async () => {
    const ok = await post(pings(20), { headers: { "MCP-Protocol-Version": "2025-03-26" } });
    expect(ok.status).toBe(200);
    expect((await ok.json()) as unknown[]).toHaveLength(20);

    for (const version of ["2025-03-26", ""]) {
      const refused = await post(pings(21), { headers: { "MCP-Protocol-Version": version } });
      expect(refused.status).toBe(400);
      expect(await errorOf(refused)).toEqual({
        code: -32600,
        message: "Invalid Request: a batch may hold at most 20 messages",
      });
    }
  });
});
