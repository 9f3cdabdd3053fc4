import { env } from "cloudflare:test";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { McpServer } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Secrets } from "../src/template/config.js";
import { base64url } from "../src/template/encoding.js";
import { AskingTransport } from "../src/template/mcp/legacy-push.js";
import { readSession, sessionIdFor } from "../src/template/mcp/legacy-session.js";
import * as generated from "../src/template/mcp/registry.gen.js";
import { useRegistry } from "../src/template/mcp/server.js";
import { conformanceRegistry } from "./conformance/fixtures/registry.js";
import { legacyClient } from "./helpers/connect.js";
import { errorOf, post } from "./helpers/http.js";
import { MCP_URL, signIn, withPassphrase } from "./helpers/oauth.js";

// 2025-era server-to-client requests on the stateless leg (src/template/mcp/legacy-push.ts): a client that
// declared elicitation, sampling or roots at initialize is asked mid-call on the call's stream,
// and its answer, POSTed in another request, reaches the waiting call through a Mailbox Durable
// Object (src/template/mcp/mailbox.ts). The conformance fixtures (test_elicitation, test_sampling, ...)
// return `inputRequired(...)`, as the template's tools do.

type Vars = Partial<Env & Secrets>;
const LEGACY = { "MCP-Protocol-Version": "2025-11-25" };

beforeAll(() => useRegistry(conformanceRegistry));
afterAll(() => useRegistry(generated));

function initializeBody(capabilities: Record<string, unknown>, protocolVersion = "2025-11-25") {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion, capabilities, clientInfo: { name: "raw", version: "1" } },
  };
}

/** A raw 2025-era initialize; resolves with the session id the Worker answered with, if any. */
async function sessionFor(capabilities: Record<string, unknown>, vars?: Vars, token?: string) {
  const response = await post(initializeBody(capabilities), {
    vars,
    url: vars ? MCP_URL : undefined,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  expect(response.status).toBe(200);
  await response.body?.cancel();
  return response.headers.get("Mcp-Session-Id");
}

const elicitCall = (id = 2) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "test_elicitation", arguments: { message: "Who are you?" } },
});

/** Reads an event stream message by message, leaving it open between reads. */
function messagesOf(response: Response) {
  expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next(): Promise<Record<string, unknown>> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event
            .split("\n")
            .filter((line) => line.startsWith("data:"))
            .map((line) => line.slice(5).trimStart())
            .join("\n");
          if (data) return JSON.parse(data);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("the stream ended");
        buffer += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

/** POSTs a client's answer to a question, as the 1.x transport does. */
function answer(id: unknown, sessionId: string | null, result: unknown = accepted, extra: Record<string, string> = {}) {
  return post(
    { jsonrpc: "2.0", id, result },
    { headers: { ...LEGACY, ...(sessionId && { "Mcp-Session-Id": sessionId }), ...extra } },
  );
}
/** OAuth on (the `post` helper turns it off unless told), signing in with a passphrase. */
const oauth: Vars = { ...withPassphrase, MCP_AUTH: "oauth" };
const accepted = { action: "accept", content: { username: "ada", email: "ada@example.com" } };

describe("the 2025-era session id carries what the client declared at initialize", () => {
  it("is given to a client that declared a way to be asked, and says what it declared", async () => {
    const id = await sessionFor({ elicitation: { form: {} }, sampling: {} });
    expect(id).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(readSession(id)).toEqual({
      protocolVersion: "2025-11-25",
      capabilities: { elicitation: { form: {} }, sampling: {} },
      apps: false,
    });
    expect(await sessionFor({ elicitation: { form: {} } })).not.toBe(await sessionFor({ elicitation: { form: {} } }));
  });

  it("is not given to a client that declared nothing a later request needs", async () => {
    expect(await sessionFor({})).toBeNull();
    expect(await sessionFor({ experimental: { x: {} } })).toBeNull();
  });

  it("keeps only sampling, elicitation and roots, each bounded", () => {
    const id = sessionIdFor(
      initializeBody({ roots: {}, tasks: { a: 1 }, sampling: { huge: "x".repeat(1000) }, elicitation: [] }),
      false,
    );
    expect(readSession(id!)).toEqual({ protocolVersion: "2025-11-25", capabilities: { roots: {} }, apps: false });
  });

  it("is read as hostile input: anything malformed is no session at all", () => {
    const encode = (value: unknown) => `v1.${base64url(JSON.stringify(value))}`;
    for (const hostile of [
      "v1.",
      "v1.!!!",
      "v1.bm90IGpzb24",
      encode({ p: 1 }),
      encode({ p: "yesterday", c: { sampling: {} } }),
      encode(null),
      `v1.${"A".repeat(2000)}`,
      "someone-elses-session",
    ]) {
      expect(readSession(hostile), hostile).toBeUndefined();
    }
    expect(readSession(encode({ p: "2025-11-25", c: { sampling: "yes", roots: {} } }))?.capabilities).toEqual({
      roots: {},
    });
  });

  it("takes an id in no encoding of ours as no session", () => {
    expect(readSession(`mcp-apps.${crypto.randomUUID()}`)).toBeUndefined();
    expect(readSession(crypto.randomUUID())).toBeUndefined();
  });
});

describe("a 1.x client that declared the capability is asked mid-call", () => {
  it("elicitation: the form reaches the client, its answer reaches the tool", async () => {
    const client = await legacyClient({ capabilities: { elicitation: {} } });
    const asked = vi.fn(async (_request: { params: { message: string } }) => ({
      action: "accept" as const,
      content: { username: "ada", email: "a@b.c" },
    }));
    client.setRequestHandler(ElicitRequestSchema, asked);
    const result = await client.callTool({ name: "test_elicitation", arguments: { message: "Who are you?" } });
    expect(asked).toHaveBeenCalledOnce();
    expect(asked.mock.calls[0]![0]).toMatchObject({ params: { message: "Who are you?" } });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain('action=accept, content={\\"username\\":\\"ada\\"');
    await client.close();
  });

  it("sampling: the client's model answers, the tool reports it", async () => {
    const client = await legacyClient({ capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      role: "assistant",
      content: { type: "text", text: "Paris" },
      model: "test-model",
    }));
    const result = await client.callTool({ name: "test_sampling", arguments: { prompt: "Capital of France?" } });
    expect(result.content).toEqual([{ type: "text", text: "LLM response: Paris" }]);
    await client.close();
  });

  it("roots: the client lists them", async () => {
    const client = await legacyClient({ capabilities: { roots: {} } });
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: "file:///work", name: "work" }] }));
    const result = await client.callTool({ name: "test_input_required_result_list_roots", arguments: {} });
    expect(result.content).toEqual([{ type: "text", text: "Roots: file:///work" }]);
    await client.close();
  });

  it("several rounds, and several questions in one round, each answered", async () => {
    const client = await legacyClient({ capabilities: { elicitation: {}, sampling: {}, roots: {} } });
    client.setRequestHandler(ElicitRequestSchema, async (request) => ({
      action: "accept",
      content: request.params.message.includes("color") ? { color: "green" } : { name: "Ada" },
    }));
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      role: "assistant",
      content: { type: "text", text: "Hi" },
      model: "m",
    }));
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [] }));
    const rounds = await client.callTool({ name: "test_input_required_result_multi_round", arguments: {} });
    expect(rounds.content).toEqual([{ type: "text", text: "Ada likes green" }]);
    const all = await client.callTool({ name: "test_input_required_result_multiple_inputs", arguments: {} });
    expect(all.content).toEqual([{ type: "text", text: "Ada: 0 root(s), greeting received" }]);
    await client.close();
  });

  it("a client that declines, or fails to answer, gets a clean result, never a 5xx", async () => {
    const client = await legacyClient({ capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "decline" }));
    const declined = await client.callTool({ name: "test_elicitation", arguments: {} });
    expect(JSON.stringify(declined.content)).toContain("action=decline");
    client.setRequestHandler(ElicitRequestSchema, async () => {
      throw new Error("the user closed the dialog");
    });
    const failed = await client.callTool({ name: "test_elicitation", arguments: {} });
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed.content)).toContain("the user closed the dialog");
    await client.close();
  });

  it("with a token from the OAuth flow", async () => {
    const { tokens } = await signIn({ vars: withPassphrase });
    const client = await legacyClient({
      vars: withPassphrase,
      token: tokens.access_token,
      origin: new URL(MCP_URL).origin,
      capabilities: { elicitation: {} },
    });
    client.setRequestHandler(ElicitRequestSchema, async () => ({
      action: "accept",
      content: { username: "u", email: "e" },
    }));
    const result = await client.callTool({ name: "test_elicitation", arguments: {} });
    expect(JSON.stringify(result.content)).toContain("action=accept");
    await client.close();
  });
});

describe("clients that did not declare the capability are served as before", () => {
  it("no capability: the tool answers at once with an error, nothing is asked", async () => {
    // (The 1.x client will not even register a handler for a capability it did not declare.)
    const client = await legacyClient();
    const result = await client.callTool({ name: "test_elicitation", arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("did not declare the required capability");
    await client.close();
  });

  it("declared, but takes only JSON (no stream to ask on): the same error, at once", async () => {
    const sessionId = await sessionFor({ elicitation: {} });
    const response = await post(elicitCall(), {
      headers: { ...LEGACY, "Mcp-Session-Id": sessionId!, Accept: "application/json" },
    });
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = (await response.json()) as { result: { isError: boolean } };
    expect(body.result.isError).toBe(true);
  });

  it("a Worker without the MAILBOX binding (a fork that removed it) answers as before", async () => {
    const sessionId = await sessionFor({ elicitation: {} });
    const response = await post(elicitCall(), {
      headers: { ...LEGACY, "Mcp-Session-Id": sessionId! },
      vars: { MAILBOX: undefined },
    });
    const body = (await response.json()) as { result: { isError: boolean } };
    expect(body.result.isError).toBe(true);
  });

  it("a session claiming capabilities the SDK refuses at initialize is served as one that declared none", async () => {
    const claim = { p: "2025-11-25", c: { sampling: { tools: 5 } }, n: "x" };
    const sessionId = `v1.${base64url(JSON.stringify(claim))}`;
    const response = await post(
      { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "test_sampling", arguments: { prompt: "x" } } },
      { headers: { ...LEGACY, "Mcp-Session-Id": sessionId } },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { isError: boolean; content: { text: string }[] } };
    expect(body.result.isError).toBe(true);
    expect(body.result.content[0]!.text).toContain("no client capabilities are available");
  });

  it("declared elicitation only: a tool that needs sampling gets the error, not a question", async () => {
    const sessionId = await sessionFor({ elicitation: {} });
    const response = await post(
      { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "test_sampling", arguments: { prompt: "x" } } },
      { headers: { ...LEGACY, "Mcp-Session-Id": sessionId! } },
    );
    const body = (await response.json()) as { result: { isError: boolean; content: { text: string }[] } };
    expect(body.result.isError).toBe(true);
    expect(body.result.content[0]!.text).toContain("sampling/createMessage");
  });
});

describe("the answer travels in its own request, and only the asker's answer is taken", () => {
  async function ask(sessionId: string, vars?: Vars, token?: string) {
    const response = await post(elicitCall(), {
      vars,
      url: vars ? MCP_URL : undefined,
      headers: { ...LEGACY, "Mcp-Session-Id": sessionId, ...(token && { Authorization: `Bearer ${token}` }) },
    });
    expect(response.status).toBe(200);
    const stream = messagesOf(response);
    const question = await stream.next();
    expect(question).toMatchObject({ method: "elicitation/create", params: { message: "Who are you?" } });
    expect(question.id).toMatch(/^ask\.[A-Za-z0-9_-]{22}$/);
    return { stream, id: question.id as string };
  }

  it("a forged, foreign, oversized or replayed answer is refused; the rightful one completes the call", async () => {
    const sessionId = (await sessionFor({ elicitation: {} }))!;
    const otherSession = (await sessionFor({ elicitation: {} }))!;
    const { stream, id } = await ask(sessionId);

    // Another session (another client) cannot answer it, nor can one without a session.
    const foreign = await answer(id, otherSession);
    expect(foreign.status).toBe(400);
    expect((await errorOf(foreign)).code).toBe(-32600);
    expect((await answer(id, null)).status).toBe(400);
    // A made-up question id, and a malformed one, are refused the same way.
    expect((await answer("ask.AAAAAAAAAAAAAAAAAAAAAA", sessionId)).status).toBe(400);
    expect((await answer("ask.../../x", sessionId)).status).toBe(400);
    // An answer too large to hold is refused before it goes anywhere.
    const huge = await answer(id, sessionId, { action: "accept", content: { username: "x".repeat(300_000) } });
    expect(huge.status).toBe(413);
    await huge.body?.cancel();
    // Something that is not an answer is refused, and does not use the question up either.
    const malformed = await post(
      { jsonrpc: "2.0", id, result: "yes" },
      { headers: { ...LEGACY, "Mcp-Session-Id": sessionId } },
    );
    expect(malformed.status).toBe(400);

    // None of that used the question up: the rightful answer, in a request of its own, is taken.
    const rightful = await answer(id, sessionId);
    expect(rightful.status).toBe(202);
    expect(await stream.next()).toMatchObject({
      id: 2,
      result: { content: [{ type: "text", text: expect.stringContaining('"username":"ada"') }] },
    });
    // Once answered, the same answer again is refused.
    expect((await answer(id, sessionId)).status).toBe(400);
  });

  it("with OAuth, another OAuth client of the same user cannot answer", async () => {
    const { tokens } = await signIn({ vars: withPassphrase });
    const { tokens: others } = await signIn({ vars: withPassphrase });
    const sessionId = (await sessionFor({ elicitation: {} }, oauth, tokens.access_token))!;
    const { stream, id } = await ask(sessionId, oauth, tokens.access_token);
    const send = (token: string) =>
      post(
        { jsonrpc: "2.0", id, result: accepted },
        {
          vars: oauth,
          url: MCP_URL,
          headers: { ...LEGACY, "Mcp-Session-Id": sessionId, Authorization: `Bearer ${token}` },
        },
      );
    expect((await send(others.access_token)).status).toBe(400);
    // Without a token the gateway answers first, as for any request to /mcp.
    expect(
      (await post({ jsonrpc: "2.0", id, result: accepted }, { vars: oauth, url: MCP_URL, headers: LEGACY })).status,
    ).toBe(401);
    expect((await send(tokens.access_token)).status).toBe(202);
    expect(await stream.next()).toMatchObject({ id: 2, result: { content: [{ type: "text" }] } });
  });

  it("an answer to no question of ours is handled as before (dropped, 202)", async () => {
    const response = await post({ jsonrpc: "2.0", id: 5, result: {} }, { headers: LEGACY });
    expect(response.status).toBe(202);
  });
});

describe("bounded waits", () => {
  it("a question nobody answers is withdrawn and the tool gets a clean error", async () => {
    const server = new McpServer({ name: "t", version: "1" }, { capabilities: { tools: {} } });
    const { inputRequired } = await import("@modelcontextprotocol/server");
    server.registerTool("ask", { description: "asks" }, () =>
      inputRequired({
        inputRequests: {
          q: inputRequired.elicit({ message: "Anyone?", requestedSchema: { type: "object", properties: {} } }),
        },
      }),
    );
    const session = readSession(sessionIdFor(initializeBody({ elicitation: {} }), false)!)!;
    const transport = new AskingTransport(env.MAILBOX, "tester", 200);
    await server.connect(transport);
    expect(await transport.replayInitialize(session)).toBe(true);
    const response = await transport.handleRequest(
      new Request("http://localhost/mcp", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...LEGACY },
        body: "{}",
      }),
      { parsedBody: { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "ask", arguments: {} } } },
    );
    const stream = messagesOf(response);
    const question = await stream.next();
    expect(question).toMatchObject({ method: "elicitation/create" });
    expect(await stream.next()).toMatchObject({
      method: "notifications/cancelled",
      params: { requestId: question.id },
    });
    expect(await stream.next()).toMatchObject({
      id: 9,
      result: { isError: true, content: [{ text: expect.stringContaining("did not answer within 0.2 s") }] },
    });
    await server.close();
  });

  it("the mailbox times out on its own, and refuses late answers", async () => {
    const mailbox = env.MAILBOX.get(env.MAILBOX.idFromName(`test-${crypto.randomUUID()}`));
    expect(await mailbox.open("owner", 50)).toBe(true);
    expect(await mailbox.open("someone else", 50)).toBe(false);
    expect(await mailbox.take()).toEqual({ timedOut: true });
    expect(await mailbox.deliver("owner", { id: 1, result: {} })).toBe(false);

    const never = env.MAILBOX.get(env.MAILBOX.idFromName(`test-${crypto.randomUUID()}`));
    expect(await never.deliver("owner", { id: 1, result: {} })).toBe(false);
    expect(await never.take()).toEqual({ timedOut: true });
  });
});
