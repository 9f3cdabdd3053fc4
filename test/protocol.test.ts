import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { serving } from "./fixtures/harness.js";
import { errorOf, INITIALIZED, OPEN, PING, post, sseMessages, TOOLS_LIST } from "./helpers/http.js";
import { modernPost } from "./helpers/modern.js";
import { BASE, fetchWorker } from "./helpers/worker.js";

// Protocol hygiene of POST /mcp (Streamable HTTP transport rules), through the Worker's real
// default export with MCP_AUTH=none, serving the harness fixtures (test/fixtures/harness.ts).
serving();

const DEPLOYED = "https://mcp.example.com/mcp";

describe("Origin validation", () => {
  it("allows requests without an Origin (server-to-server clients send none)", async () => {
    const response = await post(PING);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 1, result: {} });
  });

  it("allows the server's own origin, on localhost and over https", async () => {
    expect((await post(PING, { headers: { Origin: "http://localhost:8787" } })).status).toBe(200);
    expect((await post(PING, { url: DEPLOYED, headers: { Origin: "https://mcp.example.com" } })).status).toBe(200);
  });

  it("allows other localhost origins (the MCP Inspector's) while the server runs on localhost", async () => {
    for (const origin of ["http://localhost:6274", "http://127.0.0.1:6274", "http://[::1]:3000"]) {
      expect((await post(PING, { headers: { Origin: origin } })).status, origin).toBe(200);
    }
  });

  it("refuses localhost origins once the server is not on localhost", async () => {
    const response = await post(PING, { url: DEPLOYED, headers: { Origin: "http://localhost:6274" } });
    expect(response.status).toBe(403);
  });

  it("allows PUBLIC_URL's origin when the request reached another hostname", async () => {
    const response = await post(PING, {
      url: "https://mcp-worker-template.example.workers.dev/mcp",
      headers: { Origin: "https://mcp.example.com" },
      vars: { PUBLIC_URL: "https://mcp.example.com" },
    });
    expect(response.status).toBe(200);
  });

  it("allows the origins ALLOWED_ORIGINS lists, however the browser spells them", async () => {
    const vars = { ALLOWED_ORIGINS: "https://app.example.com, https://other.example:8443/" };
    for (const origin of ["https://app.example.com", "https://other.example:8443", "HTTPS://App.Example.com"]) {
      expect((await post(PING, { url: DEPLOYED, headers: { Origin: origin }, vars })).status, origin).toBe(200);
    }
    expect(
      (await post(PING, { url: DEPLOYED, headers: { Origin: "https://app.example.com.evil.io" }, vars })).status,
    ).toBe(403);
  });

  it("refuses any other origin with 403 and a JSON-RPC error", async () => {
    for (const origin of ["https://evil.example.com", "null", "not a url", "http://mcp.example.com"]) {
      const response = await post(PING, { url: DEPLOYED, headers: { Origin: origin } });
      expect(response.status, origin).toBe(403);
      const error = await errorOf(response);
      expect(error.code).toBe(-32000);
      expect(error.message).toContain("not allowed");
    }
  });

  it("refuses a DNS-rebinding page (its own name in Host and Origin, over http)", async () => {
    const rebound = await post(PING, {
      url: "http://evil.example.com/mcp",
      headers: { Origin: "http://evil.example.com" },
    });
    expect(rebound.status).toBe(403);
    expect((await errorOf(rebound)).message).toContain("http://evil.example.com");

    // The same name over https is a real deployment: Cloudflare only routes our own hostnames.
    const https = await post(PING, {
      url: "https://evil.example.com/mcp",
      headers: { Origin: "https://evil.example.com" },
    });
    expect(https.status).toBe(200);
  });
});

describe("MCP-Protocol-Version", () => {
  it("serves 2026-07-28 (the 1.x SDK's transport refused it with 400)", async () => {
    const response = await modernPost("tools/list");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: { tools: expect.any(Array), resultType: "complete" } });
  });

  it.each(SUPPORTED_PROTOCOL_VERSIONS)("accepts %s", async (version) => {
    const response = await post(TOOLS_LIST, { headers: { "MCP-Protocol-Version": version } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 2, result: { tools: expect.any(Array) } });
  });

  it("treats a request without it as 2025-03-26 (the transport's rule) and serves it", async () => {
    expect(DEFAULT_NEGOTIATED_PROTOCOL_VERSION).toBe("2025-03-26");
    expect(SUPPORTED_PROTOCOL_VERSIONS).toContain("2025-03-26");
    const response = await post(TOOLS_LIST);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 2, result: { tools: expect.any(Array) } });
  });

  it("refuses an unsupported version with 400, naming the supported ones", async () => {
    const response = await post(TOOLS_LIST, { headers: { "MCP-Protocol-Version": "1999-01-01" } });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.message).toContain("Unsupported protocol version: 1999-01-01");
    expect(error.message).toContain("2025-06-18");
  });
});

describe("request body and media types", () => {
  it("answers malformed JSON with 400 and -32700", async () => {
    for (const body of ['{"jsonrpc": "2.0", "id": 1, "method": "ping"', "", "{'a': 1}"]) {
      const response = await post(body);
      expect(response.status, body).toBe(400);
      expect((await errorOf(response)).code).toBe(-32700);
    }
  });

  it("answers JSON that is not a JSON-RPC message with 400", async () => {
    for (const body of ["null", "42", '"ping"', "{}", '{"jsonrpc":"1.0","id":1,"method":"ping"}', "[1]"]) {
      const response = await post(body);
      expect(response.status, body).toBe(400);
      expect((await errorOf(response)).code, body).toBeLessThan(-32599);
    }
  });

  it("answers a Content-Type other than application/json with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", ""]) {
      const response = await post(PING, { headers: { "Content-Type": type } });
      expect(response.status, type).toBe(415);
      expect((await errorOf(response)).message).toContain("application/json");
    }
    const withCharset = await post(PING, { headers: { "Content-Type": "application/json; charset=utf-8" } });
    expect(withCharset.status).toBe(200);
  });

  it("answers an Accept that allows neither JSON nor SSE with 406", async () => {
    for (const accept of ["text/html", "application/xml, text/plain", "application/json;q=0, text/event-stream;q=0"]) {
      const response = await post(PING, { headers: { Accept: accept } });
      expect(response.status, accept).toBe(406);
      expect((await errorOf(response)).message).toContain("Not Acceptable");
    }
  });

  it("answers with SSE when the client accepts only text/event-stream", async () => {
    const response = await post(PING, { headers: { Accept: "text/event-stream" } });
    expect(response.status).toBe(200);
    expect(await sseMessages(response)).toEqual([{ jsonrpc: "2.0", id: 1, result: {} }]);
  });

  it("answers with JSON when Accept is absent, a wildcard, or lists both", async () => {
    for (const accept of ["", "*/*", "application/json", "application/json, text/event-stream"]) {
      const response = await post(PING, { headers: { Accept: accept } });
      expect(response.status, accept).toBe(200);
      expect(response.headers.get("Content-Type"), accept).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 1, result: {} });
    }
  });

  it("answers notifications (and client responses) with 202 and no body", async () => {
    for (const message of [INITIALIZED, { jsonrpc: "2.0", id: 7, result: {} }]) {
      const response = await post(message);
      expect(response.status).toBe(202);
      expect(await response.text()).toBe("");
    }
  });
});

describe("body size limit (MAX_BODY_BYTES)", () => {
  const vars = { MAX_BODY_BYTES: "1024" };

  it("accepts a body of exactly the limit", async () => {
    const json = JSON.stringify(PING);
    const response = await post(json + " ".repeat(1024 - json.length), { vars });
    expect(response.status).toBe(200);
  });

  it("refuses a larger body with 413 before parsing it (Content-Length)", async () => {
    // Not JSON: a 400 would mean it was parsed.
    const response = await post("x".repeat(1025), { vars });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).message).toContain("at most 1024 bytes");
  });

  it("refuses on a declared Content-Length without reading the body", async () => {
    // The body itself is a small valid ping: only the header can make this a 413.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(PING)));
        controller.close();
      },
    });
    const response = await fetchWorker(
      "/mcp",
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": String(10 * 1024 * 1024) },
        body,
        duplex: "half",
      } as RequestInit,
      { ...OPEN, ...vars },
    );
    expect(response.status).toBe(413);
  });

  it("refuses a chunked body without Content-Length once it passes the limit, and stops reading", async () => {
    let sent = 0;
    let cancelled = false;
    const chunk = new TextEncoder().encode(`[${JSON.stringify(PING)},`.padEnd(256, " "));
    // An endless body: only a reader that stops at the limit can answer at all.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(request.headers.get("Content-Length")).toBeNull();
    const response = await fetchWorker(request, undefined, { ...OPEN, ...vars });
    expect(response.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThan(1024 + 4 * chunk.byteLength);
  });
});

describe("JSON-RPC errors a client can act on", () => {
  it("answers an unknown tool with -32602 naming it", async () => {
    const response = await post({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "nope", arguments: {} },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 3,
      error: { code: -32602, message: expect.stringContaining("Tool nope not found") },
    });
  });

  it("answers invalid arguments with a tool error saying what is wrong", async () => {
    const response = await post({
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "echo", arguments: { text: 7, times: "twice" } },
    });
    const { result } = (await response.json()) as { result: { isError: boolean; content: { text: string }[] } };
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/Input validation error[\s\S]*text[\s\S]*times/);
  });

  it("answers an unknown method with -32601 and unknown prompts and resources with -32602", async () => {
    const unknownMethod = await post({ jsonrpc: "2.0", id: 5, method: "tools/destroy" });
    expect(await unknownMethod.json()).toMatchObject({ id: 5, error: { code: -32601 } });
    const prompt = await post({ jsonrpc: "2.0", id: 6, method: "prompts/get", params: { name: "nope" } });
    expect(await prompt.json()).toMatchObject({
      id: 6,
      error: { code: -32602, message: expect.stringContaining("nope") },
    });
    const resource = await post({ jsonrpc: "2.0", id: 7, method: "resources/read", params: { uri: "nope://x" } });
    expect(await resource.json()).toMatchObject({
      id: 7,
      error: { code: -32602, message: expect.stringContaining("nope://x") },
    });
  });
});

describe("HTTP methods on /mcp", () => {
  it.each(["GET", "DELETE"])("answers %s with 405, an Allow header and a JSON-RPC error", async (method) => {
    const response = await fetchWorker("/mcp", { method, headers: { Accept: "text/event-stream" } }, OPEN);
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST, OPTIONS");
    expect((await errorOf(response)).message).toContain("stateless");
  });

  it.each(["PUT", "PATCH", "HEAD", "PROPFIND"])("answers %s with 405 and an Allow header", async (method) => {
    const response = await fetchWorker("/mcp", { method }, OPEN);
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST, OPTIONS");
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    fetchWorker(
      "/mcp",
      {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "content-type, mcp-protocol-version, authorization",
        },
      },
      OPEN,
    );

  it("answers a preflight from an allowed origin with what a browser client needs", async () => {
    const response = await preflight("http://localhost:6274");
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:6274");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    const allowed = response.headers.get("Access-Control-Allow-Headers")!.toLowerCase();
    for (const header of ["content-type", "mcp-protocol-version", "authorization", "mcp-session-id"]) {
      expect(allowed).toContain(header);
    }
    expect(response.headers.get("Vary")).toContain("Origin");
    // Allow is the truth about the resource (GET and DELETE answer 405), whatever CORS lets through.
    expect(response.headers.get("Allow")).toBe("POST, OPTIONS");
  });

  it("gives a preflight from another origin no CORS headers", async () => {
    const response = await fetchWorker(
      DEPLOYED,
      { method: "OPTIONS", headers: { Origin: "https://evil.example.com", "Access-Control-Request-Method": "POST" } },
      OPEN,
    );
    expect(response.status).toBe(204);
    for (const [name] of response.headers) expect(name).not.toMatch(/^access-control-/);
  });

  it("exposes the MCP headers to allowed origins, on answers and refusals alike", async () => {
    const ok = await post(PING, { headers: { Origin: "http://localhost:6274" } });
    expect(ok.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:6274");
    const exposed = ok.headers.get("Access-Control-Expose-Headers")!.toLowerCase();
    for (const header of ["mcp-session-id", "mcp-protocol-version", "www-authenticate"])
      expect(exposed).toContain(header);

    const refused = await post("{", { headers: { Origin: "http://localhost:6274" } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:6274");

    const get = await fetchWorker("/mcp", { headers: { Origin: "http://localhost:6274" } }, OPEN);
    expect(get.status).toBe(405);
    expect(get.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:6274");
  });

  it("gives other origins no CORS headers", async () => {
    const response = await post(PING, { url: DEPLOYED, headers: { Origin: "https://evil.example.com" } });
    expect(response.status).toBe(403);
    for (const [name] of response.headers) expect(name).not.toMatch(/^access-control-/);
  });
});

describe("batches", () => {
  const batch = [PING, INITIALIZED, TOOLS_LIST];

  it("answers every request of a batch, as JSON", async () => {
    const response = await post(batch);
    expect(response.status).toBe(200);
    const answers = (await response.json()) as { id: number }[];
    expect(answers.map((a) => a.id).sort()).toEqual([1, 2]);
    expect(answers.find((a) => a.id === 2)).toMatchObject({ result: { tools: expect.any(Array) } });
  });

  it("answers every request of a batch, as SSE", async () => {
    const response = await post(batch, { headers: { Accept: "text/event-stream" } });
    const answers = (await sseMessages(response)) as { id: number }[];
    expect(answers.map((a) => a.id).sort()).toEqual([1, 2]);
  });

  it("refuses an empty batch with -32600 (JSON-RPC 2.0), not a silent 202", async () => {
    const response = await post([]);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: -32600, message: expect.stringContaining("empty") });
  });

  it("refuses two requests with one id, whose answers could not be told apart", async () => {
    const response = await post([PING, { ...TOOLS_LIST, id: PING.id }]);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: -32600, message: expect.stringContaining("share the id 1") });
  });

  it("refuses a batch of more than 20 messages", async () => {
    const pings = Array.from({ length: 21 }, (_, i) => ({ ...PING, id: i }));
    const response = await post(pings);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: -32600, message: expect.stringContaining("20") });
  });

  it("refuses an initialize request batched with others", async () => {
    const initialize = {
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    };
    const response = await post([initialize, PING]);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe(-32600);
  });
});

describe("no client mistake yields a 500", () => {
  const rpc = (method: string, params?: unknown) => JSON.stringify({ jsonrpc: "2.0", id: 9, method, params });
  const mcp = (body: string, headers: Record<string, string> = {}) => post(body, { headers });
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;

  const cases: [string, () => Promise<Response>][] = [
    ["params is a string", () => mcp(rpc("tools/call", "x"))],
    ["params is an array", () => mcp(rpc("tools/list", [1]))],
    ["params is null", () => mcp(rpc("tools/call", null))],
    ["arguments is null", () => mcp(rpc("tools/call", { name: "caller", arguments: null }))],
    ["arguments is an array", () => mcp(rpc("tools/call", { name: "echo", arguments: [1] }))],
    ["tool name is a number", () => mcp(rpc("tools/call", { name: 5 }))],
    ["initialize without params", () => mcp(rpc("initialize"))],
    [
      "initialize with an unknown version",
      () =>
        mcp(rpc("initialize", { protocolVersion: "1.0", capabilities: {}, clientInfo: { name: "x", version: "1" } })),
    ],
    ["resources/read of a non-URI", () => mcp(rpc("resources/read", { uri: "::::" }))],
    ["resources/read of a template with no match", () => mcp(rpc("resources/read", { uri: "fixture://items/" }))],
    [
      "completion of an unknown template",
      () =>
        mcp(
          rpc("completion/complete", {
            ref: { type: "ref/resource", uri: "x://" },
            argument: { name: "a", value: "" },
          }),
        ),
    ],
    [
      "completion of an unknown prompt",
      () =>
        mcp(rpc("completion/complete", { ref: { type: "ref/prompt", name: "x" }, argument: { name: "a", value: "" } })),
    ],
    ["logging/setLevel without logging", () => mcp(rpc("logging/setLevel", { level: "debug" }))],
    [
      "a cancellation of nothing",
      () => mcp(JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 42 } })),
    ],
    ["a response to nothing", () => mcp(JSON.stringify({ jsonrpc: "2.0", id: "x", error: { code: 1, message: "m" } }))],
    ["a 100 000-deep array", () => mcp(deep)],
    ["a batch of a request and garbage", () => mcp(JSON.stringify([PING, { nonsense: true }, 7]))],
    [
      "deeply nested arguments",
      () => mcp(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"caller","arguments":{"a":${deep}}}}`),
    ],
    ["a byte order mark", () => mcp(`\uFEFF${JSON.stringify(PING)}`)],
    [
      "invalid UTF-8",
      () =>
        fetchWorker(
          "/mcp",
          {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
          },
          OPEN,
        ),
    ],
    ["a 64 KiB header", () => mcp(JSON.stringify(PING), { "X-Padding": "a".repeat(64 * 1024) })],
    ["a 64 KiB Origin", () => mcp(JSON.stringify(PING), { Origin: `https://${"a".repeat(64 * 1024)}.com` })],
    ["a garbage protocol version", () => mcp(JSON.stringify(PING), { "MCP-Protocol-Version": "../../\t%00" })],
    ["a garbage Content-Length", () => mcp(JSON.stringify(PING), { "Content-Length": "lots" })],
    ["a garbage Accept", () => mcp(JSON.stringify(PING), { Accept: ";;;,,,q=" })],
    ["a garbage Content-Type", () => mcp(JSON.stringify(PING), { "Content-Type": ";" })],
    ["GET /mcp/", () => fetchWorker("/mcp/", {}, OPEN)],
    ["POST /MCP", () => fetchWorker("/MCP", { method: "POST", body: "{}" }, OPEN)],
    ["GET //mcp", () => fetchWorker(`${BASE}//mcp`, {}, OPEN)],
    ["GET a malformed percent-encoding", () => fetchWorker("/%E0%A4%A", {}, OPEN)],
    ["POST /", () => fetchWorker("/", { method: "POST", body: "x" }, OPEN)],
    ["DELETE the card", () => fetchWorker("/.well-known/mcp/server-card.json", { method: "DELETE" }, OPEN)],
    ["POST the card", () => fetchWorker("/mcp/server-card", { method: "POST", body: "{}" }, OPEN)],
    ["OPTIONS /", () => fetchWorker("/", { method: "OPTIONS" }, OPEN)],
    ["GET /mcp?query", () => fetchWorker("/mcp?x=%ZZ", {}, OPEN)],
    [
      "a card request with odd If-None-Match",
      () => fetchWorker("/.well-known/mcp/server-card.json", { headers: { "If-None-Match": ',,W/,*"' } }, OPEN),
    ],
  ];

  it.each(cases)("%s", async (_label, send) => {
    const response = await send();
    expect(response.status).toBeLessThan(500);
    const type = response.headers.get("Content-Type") ?? "";
    if (response.status >= 400 && type.startsWith("application/json")) {
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.error).toBeDefined();
    } else {
      await response.body?.cancel();
    }
  });
});
