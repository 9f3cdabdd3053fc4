import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { McpServer } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { conformanceRegistry } from "../../../../test/conformance/fixtures/registry.js";
import { legacyClient } from "../../../../test/helpers/connect.js";
import { logged } from "../../../../test/helpers/console.js";
import { errorOf, post } from "../../../../test/helpers/http.js";
import { MCP_URL, signIn, withPassphrase } from "../../../../test/helpers/oauth.js";
import { fetchWorker } from "../../../../test/helpers/worker.js";
import type { Secrets } from "../../config.js";
import { base64url } from "../../encoding.js";
import { readSession, sessionIdFor } from "../../mcp/legacy-session.js";
import * as generated from "../../mcp/registry.gen.js";
import { useRegistry } from "../../mcp/server.js";
import { AskingTransport } from "./asking-transport.js";
import { opener } from "./index.js";
import { MAX_OPEN_QUESTIONS, type Mailbox, mailboxes } from "./mailbox.js";
import { mailboxName, newQuestion } from "./question-id.js";

// 2025-era server-to-client requests on the stateless leg (./asking-transport.ts): a client that
// declared elicitation, sampling or roots at initialize is asked mid-call on the call's stream,
// and its answer, POSTed in another request, reaches the waiting call through its caller's
// Mailbox Durable Object (./mailbox.ts). The conformance fixtures (test_elicitation,
// test_sampling, ...) return `inputRequired(...)`, as the template's tools do.

type Vars = Partial<Env & Secrets>;
const PUSH = ["sampling", "elicitation", "roots"] as const;
/** The binding, typed (./mailbox.ts). */
const MAILBOX = mailboxes(env)!;
/** Signs question ids in tests that open questions directly (the Worker uses its own key). */
const SECRET = "a-test-secret-of-more-than-32-bytes-0123456789";
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
/**
 * At https://mcp.example.com, not localhost: the Worker signs question ids only with the secret
 * REQUEST_STATE_SECRET there.
 */
const deployed: Vars = { ...withPassphrase, REQUEST_STATE_SECRET: SECRET };
/** OAuth on (the `post` helper turns it off unless told), signing in with a passphrase. */
const oauth: Vars = { ...deployed, MCP_AUTH: "oauth" };
/** ask.<mailbox>.<key>.<expires>.<signature> (./question-id.ts). */
const QUESTION_ID = /^ask\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/;
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
      PUSH,
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
    const { tokens } = await signIn({ vars: deployed });
    const client = await legacyClient({
      vars: deployed,
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
    expect(question.id).toMatch(QUESTION_ID);
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
    const { tokens } = await signIn({ vars: deployed });
    const { tokens: others } = await signIn({ vars: deployed });
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
    const session = readSession(sessionIdFor(initializeBody({ elicitation: {} }), false, PUSH)!)!;
    const mailbox = `test-${crypto.randomUUID()}`;
    const transport = new AskingTransport("auto", opener(MAILBOX, mailbox, SECRET, "tester"), 200);
    await server.connect(transport);
    expect(await transport.replayInitialize(session)).toBe(true);
    const response = await transport.answer(
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
    // Withdrawn in its Mailbox too: nothing waits there any more.
    const key = (question.id as string).split(".")[2]!;
    expect(await MAILBOX.get(MAILBOX.idFromName(mailbox)).deliver(key, "{}")).toBe(false);
    await server.close();
  });
});

describe("the Mailbox", () => {
  const open = (stub: DurableObjectStub<Mailbox>, key: string, expires = Date.now() + 60_000) =>
    stub.fetch(`https://mailbox.invalid/?question=${key}&expires=${expires}`, { headers: { Upgrade: "websocket" } });
  const key = (n: number) => `${String(n).padStart(2, "0")}${"k".repeat(20)}`;

  it("hands an answer to its question once, down the socket", async () => {
    const stub = MAILBOX.get(MAILBOX.idFromName(`test-${crypto.randomUUID()}`));
    const opened = await open(stub, key(1));
    expect(opened.status).toBe(101);
    const socket = opened.webSocket!;
    socket.accept();
    const received = new Promise<string>((resolve) =>
      socket.addEventListener("message", (e) => resolve(String(e.data))),
    );
    expect(await stub.deliver(key(2), "nobody")).toBe(false);
    expect(await stub.deliver(key(1), '{"answer":1}')).toBe(true);
    expect(await received).toBe('{"answer":1}');
    expect(await stub.deliver(key(1), '{"answer":2}')).toBe(false);
  });

  it("forgets a question as soon as its asker closes the socket, and one that lapsed", async () => {
    const stub = MAILBOX.get(MAILBOX.idFromName(`test-${crypto.randomUUID()}`));
    const opened = await open(stub, key(1));
    opened.webSocket!.accept();
    opened.webSocket!.close(1000, "withdrawn");
    await vi.waitFor(async () => expect(await stub.deliver(key(1), "{}")).toBe(false));
    const lapsing = await open(stub, key(2), Date.now() + 50);
    lapsing.webSocket!.accept();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stub.deliver(key(2), "{}")).toBe(false);
  });

  it(`holds at most ${MAX_OPEN_QUESTIONS} questions per caller, and refuses the next with 429`, async () => {
    const stub = MAILBOX.get(MAILBOX.idFromName(`test-${crypto.randomUUID()}`));
    const sockets: WebSocket[] = [];
    for (let n = 0; n < MAX_OPEN_QUESTIONS; n++) {
      const opened = await open(stub, key(n));
      expect(opened.status).toBe(101);
      opened.webSocket!.accept();
      sockets.push(opened.webSocket!);
    }
    expect((await open(stub, key(50))).status).toBe(429);
    // A question withdrawn makes room for the next.
    sockets[0]!.close(1000, "withdrawn");
    await vi.waitFor(async () => {
      const next = await open(stub, key(51));
      expect(next.status).toBe(101);
      next.webSocket!.accept();
    });
  });

  it("refuses what is not a question", async () => {
    const stub = MAILBOX.get(MAILBOX.idFromName(`test-${crypto.randomUUID()}`));
    expect(
      (await stub.fetch("https://mailbox.invalid/?question=short&expires=1", { headers: { Upgrade: "websocket" } }))
        .status,
    ).toBe(400);
    expect((await stub.fetch(`https://mailbox.invalid/?question=${key(1)}&expires=1`)).status).toBe(400);
  });
});

describe("a question ends with its caller", () => {
  /** A raw 2025-era call that asks; the request can be aborted (the client goes away). */
  async function asking(
    sessionId: string,
    call: unknown = elicitCall(),
    extra: { address?: string; vars?: Vars } = {},
  ) {
    const client = new AbortController();
    const response = await fetchWorker(
      extra.vars ? MCP_URL : "/mcp",
      {
        method: "POST",
        signal: client.signal,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          ...LEGACY,
          "Mcp-Session-Id": sessionId,
          ...(extra.address && { "CF-Connecting-IP": extra.address }),
        },
        body: JSON.stringify(call),
      },
      { MCP_AUTH: "none", ...extra.vars },
    );
    expect(response.status).toBe(200);
    return { stream: messagesOf(response), client };
  }
  const second = () => new Promise((resolve) => setTimeout(resolve, 1000));

  it("a client that goes away: its question is refused 1 s later", async () => {
    const sessionId = (await sessionFor({ elicitation: {} }))!;
    const { stream, client } = await asking(sessionId);
    const { id } = await stream.next();
    client.abort();
    await second();
    const late = await answer(id, sessionId);
    expect(late.status).toBe(400);
    expect((await errorOf(late)).message).toContain("no question of this server is waiting");
  });

  it("a client that closes the call's stream: its question is refused 1 s later", async () => {
    const sessionId = (await sessionFor({ elicitation: {} }))!;
    const { stream } = await asking(sessionId);
    const { id } = await stream.next();
    await stream.cancel();
    await second();
    expect((await answer(id, sessionId)).status).toBe(400);
  });

  it("a call that finished: the questions it still had open are refused", async () => {
    const sessionId = (await sessionFor({ elicitation: {}, sampling: {}, roots: {} }))!;
    const call = {
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "test_input_required_result_multiple_inputs", arguments: {} },
    };
    const { stream } = await asking(sessionId, call);
    const questions = [await stream.next(), await stream.next(), await stream.next()];
    expect(questions.map((q) => q.method).sort()).toEqual([
      "elicitation/create",
      "roots/list",
      "sampling/createMessage",
    ]);
    // The client fails one of them: the SDK gives up the round, and the call ends with a tool error.
    const roots = questions.find((q) => q.method === "roots/list")!;
    const failed = await post(
      { jsonrpc: "2.0", id: roots.id, error: { code: -32603, message: "no roots here" } },
      { headers: { ...LEGACY, "Mcp-Session-Id": sessionId } },
    );
    expect(failed.status).toBe(202);
    let result: Record<string, unknown>;
    do result = await stream.next();
    while (result.id !== 4);
    expect(result).toMatchObject({ result: { isError: true } });
    for (const question of questions.filter((q) => q !== roots)) {
      expect((await answer(question.id, sessionId)).status).toBe(400);
    }
  });

  it("2,000 answers to made-up, altered, lapsed or someone else's ids reach no Mailbox", async () => {
    const vars: Vars = { REQUEST_STATE_SECRET: SECRET };
    const sessionId = (await sessionFor({ elicitation: {} }))!;
    const owner = JSON.stringify(["anonymous", "", sessionId]);
    const real = await newQuestion(SECRET, owner, await mailboxName("somebody"), 60_000);
    const random = (bytes: number) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));
    const madeUp = [
      // The right shape, signatures that are not ours.
      ...Array.from({ length: 600 }, () => `ask.${random(16)}.${random(16)}.zzzzzz.${random(32)}`),
      // A real id, altered in one character of each part.
      ...Array.from({ length: 400 }, (_, i) => {
        const at = 4 + (i % (real.id.length - 4));
        const swapped = real.id[at] === "A" ? "B" : real.id[at] === "." ? "." : "A";
        return real.id.slice(0, at) + swapped + real.id.slice(at + 1);
      }).filter((id) => id !== real.id),
      // Lapsed: signed by this server, for this session, a second ago.
      ...(await Promise.all(
        Array.from({ length: 200 }, async () => (await newQuestion(SECRET, owner, random(16), -1000)).id),
      )),
      // Malformed.
      ...Array.from({ length: 400 }, (_, i) => `ask.${"../".repeat(i % 7)}${random(i % 40)}`),
    ];
    // And the real id, from other sessions: someone else's.
    const others = Array.from({ length: 2000 - madeUp.length }, () => `v1.${random(24)}`);
    const before = (await listDurableObjectIds(MAILBOX)).length;
    const named = vi.spyOn(MAILBOX, "idFromName");
    const statuses = new Map<number, number>();
    const send = async (id: string, session: string) => {
      const response = await post(
        { jsonrpc: "2.0", id, result: accepted },
        { vars, headers: { ...LEGACY, "Mcp-Session-Id": session } },
      );
      await response.body?.cancel();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    };
    for (let i = 0; i < madeUp.length; i += 50) {
      await Promise.all(madeUp.slice(i, i + 50).map((id) => send(id, sessionId)));
    }
    for (let i = 0; i < others.length; i += 50) {
      await Promise.all(others.slice(i, i + 50).map((session) => send(real.id, session)));
    }
    expect([...statuses]).toEqual([[400, 2000]]);
    expect(named).not.toHaveBeenCalled();
    expect((await listDurableObjectIds(MAILBOX)).length).toBe(before);

    // The proof can fail: the real id, from its own session, does reach its Mailbox (where nothing
    // waits, so it is refused all the same).
    await send(real.id, sessionId);
    expect(named).toHaveBeenCalledOnce();
    expect((await listDurableObjectIds(MAILBOX)).length).toBe(before + 1);
    named.mockRestore();
  });

  it(`holds at most ${MAX_OPEN_QUESTIONS} open questions per address: the next call is told why, others are not`, async () => {
    const address = "203.0.113.77";
    const calls = [];
    for (let n = 0; n < MAX_OPEN_QUESTIONS; n++) {
      const sessionId = (await sessionFor({ elicitation: {} }))!;
      const call = await asking(sessionId, elicitCall(), { address });
      expect(await call.stream.next()).toMatchObject({ method: "elicitation/create" });
      calls.push(call);
    }
    const sessionId = (await sessionFor({ elicitation: {} }))!;
    // Told at once, as the call's result (a tool error, nothing sent before it: one JSON body).
    const refused = await post(elicitCall(), {
      headers: { ...LEGACY, "Mcp-Session-Id": sessionId, "CF-Connecting-IP": address },
    });
    expect(refused.status).toBe(200);
    const result = await refused.json();
    expect(result).toMatchObject({ id: 2, result: { isError: true } });
    expect(JSON.stringify(result)).toContain("Too many questions are waiting for answers from this client");
    // Another address, and the same address in another /64 of IPv6, are not held up.
    const elsewhere = await asking(sessionId, elicitCall(), { address: "203.0.113.78" });
    expect(await elsewhere.stream.next()).toMatchObject({ method: "elicitation/create" });
    await elsewhere.stream.cancel();
    // One call ends: its question is withdrawn, and the address may ask again.
    await calls[0]!.stream.cancel();
    await vi.waitFor(async () => {
      const again = await asking(sessionId, elicitCall(), { address });
      const next = await again.stream.next();
      await again.stream.cancel();
      expect(next).toMatchObject({ method: "elicitation/create" });
    });
    for (const call of calls.slice(1)) await call.stream.cancel();
  });

  it(`with OAuth, at most ${MAX_OPEN_QUESTIONS} per user and client, wherever they call from`, async () => {
    const { tokens } = await signIn({ vars: deployed });
    const { tokens: other } = await signIn({ vars: deployed });
    const send = async (token: string, address: string) => {
      const sessionId = (await sessionFor({ elicitation: {} }, oauth, token))!;
      const response = await post(elicitCall(), {
        vars: oauth,
        url: MCP_URL,
        headers: {
          ...LEGACY,
          "Mcp-Session-Id": sessionId,
          Authorization: `Bearer ${token}`,
          "CF-Connecting-IP": address,
        },
      });
      expect(response.status).toBe(200);
      return response;
    };
    const call = async (token: string, address: string) => messagesOf(await send(token, address));
    const open = [];
    for (let n = 0; n < MAX_OPEN_QUESTIONS; n++) {
      const stream = await call(tokens.access_token, `198.51.100.${n + 1}`);
      expect(await stream.next()).toMatchObject({ method: "elicitation/create" });
      open.push(stream);
    }
    const refused = await (await send(tokens.access_token, "198.51.100.200")).json();
    expect(JSON.stringify(refused)).toContain("Too many questions are waiting");
    // Another OAuth client of the same user has its own quota.
    const theirs = await call(other.access_token, "198.51.100.1");
    expect(await theirs.next()).toMatchObject({ method: "elicitation/create" });
    await theirs.cancel();
    for (const stream of open) await stream.cancel();
  });

  it("a withdrawn question leaves its Mailbox with nothing open and no alarm", async () => {
    const sessionId = (await sessionFor({ elicitation: {} }))!;
    const address = "203.0.113.99";
    const { stream } = await asking(sessionId, elicitCall(), { address });
    await stream.next();
    const stub = MAILBOX.get(MAILBOX.idFromName(await mailboxName(`address ${address}`)));
    expect(await runInDurableObject(stub, (_, state) => state.getWebSockets().length)).toBe(1);
    await stream.cancel();
    await vi.waitFor(async () =>
      expect(
        await runInDurableObject(stub, (_, state) =>
          state.getWebSockets().filter((socket) => socket.readyState === WebSocket.OPEN),
        ),
      ).toHaveLength(0),
    );
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBeNull();
  });
});

describe("when the Mailboxes cannot be reached", () => {
  /** A MAILBOX binding whose objects are all unreachable (an outage). */
  const unreachable = {
    idFromName: (name: string) => ({ name }),
    get: () => ({
      fetch: () => Promise.reject(new Error("internal error; reference = 0123456789")),
      deliver: () => Promise.reject(new Error("internal error; reference = 0123456789")),
    }),
  } as never;

  it("a call that would ask gets a tool error in the server's words", async () => {
    const sessionId = (await sessionFor({ elicitation: {} }))!;
    const response = await post(elicitCall(), {
      headers: { ...LEGACY, "Mcp-Session-Id": sessionId },
      vars: { MAILBOX: unreachable },
    });
    expect(response.status).toBe(200);
    const text = JSON.stringify(await response.json());
    expect(text).toContain("The question could not be asked: try again later");
    expect(text).not.toContain("reference");
    expect(logged("error")).toEqual([expect.stringContaining("a Mailbox could not be reached")]);
  });

  it("an answer with a valid id is a 503 to try again, not a 500", async () => {
    const sessionId = (await sessionFor({ elicitation: {} }))!;
    const owner = JSON.stringify(["anonymous", "", sessionId]);
    const question = await newQuestion(SECRET, owner, await mailboxName("someone"), 60_000);
    const response = await post(
      { jsonrpc: "2.0", id: question.id, result: accepted },
      {
        headers: { ...LEGACY, "Mcp-Session-Id": sessionId },
        vars: { MAILBOX: unreachable, REQUEST_STATE_SECRET: SECRET },
      },
    );
    expect(response.status).toBe(503);
    expect((await errorOf(response)).message).toContain("try the answer again later");
  });
});
