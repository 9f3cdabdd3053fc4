import { describe, expect, it } from "vitest";
import { serving } from "./fixtures/harness.js";
import { post } from "./helpers/http.js";
import { envelope, MODERN } from "./helpers/modern.js";
import { MCP_URL, signIn, withPassphrase } from "./helpers/oauth.js";

// A list request whose `params._meta` nests 100,000 levels deep: whatever refuses or answers it
// (the body's bounds, the SDK, the per-isolate answers), the client gets a clear JSON-RPC error or
// the list, never a 500. Nothing client-sent reaches a recursive walk unbounded
// (src/template/optional/isolate-cache/replay.ts keys answers with a bounded one).

serving();

const LEVELS = 100_000;
const LISTS = ["tools/list", "resources/list", "resources/templates/list", "prompts/list"];
const deep = `${'{"x":'.repeat(LEVELS)}1${"}".repeat(LEVELS)}`;

/** The raw body, written by hand: nothing here may serialise the nesting either. */
function body(method: string, era: "2025" | "modern"): string {
  const meta = era === "modern" ? `${JSON.stringify(envelope()).slice(0, -1)},"x":${deep}}` : `{"x":${deep}}`;
  return `{"jsonrpc":"2.0","id":1,"method":"${method}","params":{"_meta":${meta}}}`;
}

async function expectClearAnswer(response: Response, method: string) {
  expect(response.status).toBeLessThan(500);
  const answer = (await response.json()) as {
    id?: unknown;
    result?: Record<string, unknown>;
    error?: { code: number };
  };
  if (answer.error) {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(answer.error.code).toEqual(expect.any(Number));
  } else {
    expect(response.status).toBe(200);
    expect(answer.id).toBe(1);
    const kind = method === "resources/templates/list" ? "resourceTemplates" : method.split("/")[0]!;
    expect(answer.result?.[kind]).toEqual(expect.any(Array));
  }
}

const headers = (method: string, era: "2025" | "modern"): Record<string, string> =>
  era === "modern"
    ? { "MCP-Protocol-Version": MODERN, "Mcp-Method": method }
    : { "MCP-Protocol-Version": "2025-11-25" };

describe(`${LEVELS.toLocaleString("en")} levels of params._meta on the lists`, () => {
  for (const era of ["2025", "modern"] as const) {
    it(`${era === "modern" ? MODERN : "2025 era"}, auth off: each list, twice`, async () => {
      for (const method of LISTS) {
        for (let i = 0; i < 2; i++)
          await expectClearAnswer(await post(body(method, era), { headers: headers(method, era) }), method);
      }
    });

    it(`${era === "modern" ? MODERN : "2025 era"}, OAuth on: each list, twice`, async () => {
      const { tokens } = await signIn({ vars: withPassphrase });
      for (const method of LISTS) {
        for (let i = 0; i < 2; i++) {
          const response = await post(body(method, era), {
            url: MCP_URL,
            vars: { ...withPassphrase, MCP_AUTH: "oauth" },
            headers: { ...headers(method, era), Authorization: `Bearer ${tokens.access_token}` },
          });
          await expectClearAnswer(response, method);
        }
      }
    });
  }
});
