import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { sessionSchema } from "../src/server/session.js";
import { createSessionReader, readSession } from "../src/template/session/read.js";
import { sessionJsonSchema } from "../src/template/session/schema.js";
import { SMITHERY_LIMITS, smitheryLimitProblems } from "../src/template/session/smithery-limits.js";
import { serving } from "./fixtures/harness.js";
import { CLIENT_KINDS } from "./helpers/clients.js";
import {
  LegacyClient as Client,
  legacyValidator as jsonSchemaValidator,
  LegacyHttpTransport as StreamableHTTPClientTransport,
} from "./helpers/legacy-client.js";
import { BASE, fetchWorker, workerFetch } from "./helpers/worker.js";

// Tools read the settings through the harness fixtures (test/fixtures/harness.ts): show_session.
serving();

const open = { MCP_AUTH: "none" } as const;
const TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345";

async function connect(query = "", headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "test-client", version: "1.0.0" }, { jsonSchemaValidator });
  const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp${query}`), {
    fetch: workerFetch(open),
    requestInit: { headers },
  });
  await client.connect(transport);
  return client;
}

function initialize(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetchWorker(
    path,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      }),
    },
    open,
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the session schema keeps within Smithery's limits", () => {
  it("this server's schema: ≤ 20 fields, ≤ 1 KB, simple types, an allowed x-from on every field", () => {
    const schema = sessionJsonSchema(sessionSchema);
    expect(smitheryLimitProblems(schema)).toEqual([]);
    expect(Object.keys(schema.properties as object).length).toBeGreaterThan(0);
    expect(new TextEncoder().encode(JSON.stringify(schema)).byteLength).toBeLessThanOrEqual(1024);
    // Smithery's scanner connects with no settings at all: nothing may be required.
    expect(schema.required ?? []).toEqual([]);
  });

  const field = (from: unknown) => z.string().optional().meta({ "x-from": from });

  it("catches more than 20 fields and more than 1 KB", () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, field({ query: `f${i}` })]));
    expect(smitheryLimitProblems(sessionJsonSchema(z.object(many)))).toContainEqual(
      expect.stringContaining(`21 fields; Smithery takes at most ${SMITHERY_LIMITS.maxFields}`),
    );
    const wordy = z.object({ a: field({ query: "a" }).describe("x".repeat(1100)) });
    expect(smitheryLimitProblems(sessionJsonSchema(wordy))).toContainEqual(
      expect.stringMatching(/^the schema is \d+ bytes as JSON; Smithery takes at most 1024$/),
    );
  });

  it("catches types a header or query parameter cannot carry", () => {
    const schema = z.object({
      list: z
        .array(z.string())
        .optional()
        .meta({ "x-from": { query: "list" } }),
      nested: z
        .object({ a: z.string() })
        .optional()
        .meta({ "x-from": { query: "nested" } }),
      ok: z
        .number()
        .optional()
        .meta({ "x-from": { query: "ok" } }),
    });
    const problems = smitheryLimitProblems(sessionJsonSchema(schema));
    expect(problems).toEqual([
      expect.stringMatching(/^list: type "array"; only string, number or boolean/),
      expect.stringMatching(/^nested: type "object"; only string, number or boolean/),
    ]);
  });

  it.each([
    ["authorization"],
    ["Authorization"],
    ["COOKIE"],
    ["cf-connecting-ip"],
    ["CF-Access-Client-Id"],
    ["smithery-session"],
    ["Smithery-Api-Key"],
  ])("refuses x-from header %s (reserved by Smithery)", (header) => {
    const schema = z.object({ key: field({ header }) });
    expect(smitheryLimitProblems(sessionJsonSchema(schema))).toEqual([
      `key: header "${header}" is reserved by Smithery (authorization, cookie, cf-*, smithery-*)`,
    ]);
  });

  it("accepts ordinary headers that merely contain a reserved word", () => {
    const schema = z.object({ a: field({ header: "x-cf-token" }), b: field({ header: "x-authorization-hint" }) });
    expect(smitheryLimitProblems(sessionJsonSchema(schema))).toEqual([]);
  });

  it("refuses reserved query parameters, a missing or malformed x-from, and a bad header name", () => {
    const schema = z.object({
      a: field({ query: "api_key" }),
      b: z.string().optional(),
      c: field({ header: "x-a", query: "a" }),
      d: field({ header: "bad header" }),
    });
    expect(smitheryLimitProblems(sessionJsonSchema(schema))).toEqual([
      'a: query parameter "api_key" is reserved by Smithery (api_key, profile, config)',
      'b: no x-from; say where the value travels ({"header": …} or {"query": …})',
      'c: x-from must be exactly one of {"header": "name"} or {"query": "name"}',
      'd: "bad header" is not a valid header name',
    ]);
  });
});

describe.each(CLIENT_KINDS)("session settings reach the tools, through the Worker ($label)", (kind) => {
  const connectAs = (query = "", headers: Record<string, string> = {}) =>
    kind.connect({ url: `${BASE}/mcp${query}`, headers });

  it("a query parameter and a header reach the handler as ctx.session", async () => {
    const client = await connectAs("?temperatureUnit=fahrenheit", { "x-github-token": TOKEN });
    const result = await client.callTool({ name: "show_session", arguments: {} });
    expect(result.structuredContent).toEqual({ temperatureUnit: "fahrenheit", githubToken: TOKEN });
    await client.close();
  });

  it("without settings, the defaults apply (what Smithery's scanner gets)", async () => {
    const client = await connectAs();
    const result = await client.callTool({ name: "show_session", arguments: {} });
    expect(result.structuredContent).toEqual({ temperatureUnit: "celsius" });
    await client.close();
  });

  it("an empty header is no setting", async () => {
    const client = await connectAs("", { "x-github-token": "" });
    const result = await client.callTool({ name: "show_session", arguments: {} });
    expect(result.structuredContent).toEqual({ temperatureUnit: "celsius" });
    await client.close();
  });
});

describe("a bad setting is refused with a clear 400, never a 500", () => {
  it("an unknown temperature unit: 400, JSON-RPC -32602 naming the field and the query parameter", async () => {
    const response = await initialize("/mcp?temperatureUnit=rankine");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number; message: string; data: { issues: unknown[] } } };
    expect(body.error.code).toBe(-32602);
    expect(body.error.message).toMatch(
      /^Invalid session configuration: temperatureUnit \(query parameter temperatureUnit\): Invalid option: expected one of "celsius"\|"fahrenheit"\|"kelvin"$/,
    );
    expect(body.error.data.issues).toEqual([
      { field: "temperatureUnit", from: { query: "temperatureUnit" }, message: expect.any(String) },
    ]);
  });

  it("a malformed token: 400 naming the header, without echoing the value", async () => {
    const secret = "not a token but a secret";
    const response = await initialize("/mcp", { "x-github-token": secret });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain("githubToken (header x-github-token): must be a GitHub token");
    expect(text).not.toContain(secret);
  });

  it("the same setting twice with different values is refused", async () => {
    const response = await initialize("/mcp?temperatureUnit=kelvin&temperatureUnit=celsius");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("given more than once, with different values");
  });

  it("the SDK client surfaces the message on connect", async () => {
    await expect(connect("?temperatureUnit=hot")).rejects.toThrow(/Invalid session configuration: temperatureUnit/);
  });

  it("browsers may send the header settings (CORS preflight allows them)", async () => {
    const response = await fetchWorker(
      "/mcp",
      {
        method: "OPTIONS",
        headers: {
          Origin: "http://localhost:6274",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "content-type, x-github-token",
        },
      },
      open,
    );
    expect(response.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("x-github-token");
  });
});

describe("createSessionReader converts text to the declared type before validating", () => {
  const read = createSessionReader(
    z.object({
      ratio: z
        .number()
        .min(0)
        .max(1)
        .default(0.5)
        .meta({ "x-from": { header: "x-ratio" } }),
      verbose: z
        .boolean()
        .default(false)
        .meta({ "x-from": { query: "verbose" } }),
      plain: z.string().optional(), // no x-from: Smithery's default, a query parameter of its name
    }),
  );
  const request = (query: string, headers: Record<string, string> = {}) =>
    new Request(`https://example.com/mcp${query}`, { headers });

  it("numbers, booleans and the default source", () => {
    expect(read(request("?verbose=true&plain=hi", { "x-ratio": "0.25" }))).toEqual({
      ok: true,
      session: { ratio: 0.25, verbose: true, plain: "hi" },
    });
    expect(read(request("?verbose=0"))).toEqual({ ok: true, session: { ratio: 0.5, verbose: false } });
    expect(read.headers).toEqual(["x-ratio"]);
  });

  it("text that is no number or boolean is refused with the schema's message", () => {
    const result = read(request("?verbose=yes", { "x-ratio": "lots" }));
    expect(result).toEqual({
      ok: false,
      issues: [
        { field: "ratio", from: { header: "x-ratio" }, message: expect.stringContaining("expected number") },
        { field: "verbose", from: { query: "verbose" }, message: expect.stringContaining("expected boolean") },
      ],
    });
    expect(read(request("", { "x-ratio": "2" }))).toMatchObject({ ok: false, issues: [{ field: "ratio" }] });
  });

  it("this server's reader reads both of its settings", async () => {
    expect(await readSession(request("?temperatureUnit=kelvin", { "X-GitHub-Token": TOKEN }))).toEqual({
      ok: true,
      session: { temperatureUnit: "kelvin", githubToken: TOKEN },
    });
  });
});
