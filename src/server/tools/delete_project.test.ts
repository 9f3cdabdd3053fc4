import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  type ClientCapabilities,
  type ElicitRequest,
  PROTOCOL_VERSION_META_KEY,
} from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_KINDS } from "../../../test/helpers/clients.js";
import { legacyClient, modernClient } from "../../../test/helpers/connect.js";
import { post } from "../../../test/helpers/http.js";
import type { LegacyClient } from "../../../test/helpers/legacy-client.js";
import { ORIGIN, rpc, signIn, withPassphrase } from "../../../test/helpers/oauth.js";
import type { Secrets } from "../../template/config.js";
import { base64url, fromBase64url } from "../../template/encoding.js";
import { parts } from "../../template/mcp/parts.gen.js";

// src/server/tools/delete_project.ts: confirmation by multi round-trip (2026-07-28), its signed
// requestState (src/template/mcp/request-state.ts), and the answer 2025-era clients get instead.

type Vars = Partial<Env & Secrets>;
const SECRET = "a-test-secret-that-is-long-enough-for-hmac";
const deployed: Vars = { MCP_AUTH: "none", REQUEST_STATE_SECRET: SECRET };
const deployedOauth: Vars = { ...withPassphrase, REQUEST_STATE_SECRET: SECRET };
const ELICITATION: ClientCapabilities = { elicitation: { form: {} } };

interface Answer {
  result?: {
    resultType?: string;
    requestState?: string;
    inputRequests?: Record<string, { method: string; params: { message: string } }>;
    isError?: boolean;
    content?: { text: string }[];
    structuredContent?: { project: string; deleted: boolean; confirmation?: string };
  };
  error?: { code: number; message: string };
}

/** A raw 2026-07-28 tools/call of delete_project, with the envelope and headers a v2 client sends. */
function call(args: Record<string, unknown>, round: Record<string, unknown> = {}, capabilities = ELICITATION) {
  return {
    body: {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "delete_project",
        arguments: args,
        ...round,
        _meta: {
          [PROTOCOL_VERSION_META_KEY]: "2026-07-28",
          [CLIENT_INFO_META_KEY]: { name: "raw", version: "1.0.0" },
          [CLIENT_CAPABILITIES_META_KEY]: capabilities,
        },
      },
    },
    headers: { "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "delete_project" },
  };
}

const accept = { confirm: { action: "accept", content: { confirm: true } } };

/** One round at the deployed origin (https://mcp.example.com), as `vars` configure it. */
async function send(request: ReturnType<typeof call>, vars: Vars = deployed, token?: string): Promise<Answer> {
  return (await rpc(request.body, token, vars, request.headers)).json<Answer>();
}

/** The first round: the question and its state. */
async function ask(project: string, vars: Vars = deployed, token?: string): Promise<string> {
  const first = await send(call({ project }), vars, token);
  expect(first.result?.resultType).toBe("input_required");
  return first.result!.requestState!;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("delete_project, 2026-07-28 (the v2 client pinned)", () => {
  it("asks the user, and deletes once they accept", async () => {
    const client = await modernClient({ capabilities: ELICITATION });
    const asked: ElicitRequest["params"][] = [];
    client.setRequestHandler("elicitation/create", async (request) => {
      asked.push(request.params);
      return { action: "accept", content: { confirm: true } };
    });
    const result = await client.callTool({ name: "delete_project", arguments: { project: "demo" } });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ message: 'Delete the project "demo"? This cannot be undone.' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ project: "demo", deleted: true, confirmation: expect.any(String) });
    await client.close();
  });

  it("deletes nothing when the user declines", async () => {
    const client = await modernClient({ capabilities: ELICITATION });
    client.setRequestHandler("elicitation/create", async () => ({ action: "decline" }));
    const result = await client.callTool({ name: "delete_project", arguments: { project: "demo" } });
    expect(result.structuredContent).toEqual({ project: "demo", deleted: false });
    expect(JSON.stringify(result.content)).toContain("did not confirm");
    await client.close();
  });

  it("a client that cannot show a form is told how to confirm, and confirm: true then deletes", async () => {
    const client = await modernClient();
    const refused = await client.callTool({ name: "delete_project", arguments: { project: "demo" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("call delete_project again with confirm: true");
    const done = await client.callTool({ name: "delete_project", arguments: { project: "demo", confirm: true } });
    expect(done.structuredContent).toEqual({ project: "demo", deleted: true });
    await client.close();
  });

  it("with a token from the OAuth flow (the state is bound to the signed-in user)", async () => {
    const { tokens } = await signIn({ vars: deployedOauth });
    const client = await modernClient({
      vars: deployedOauth,
      token: tokens.access_token,
      origin: ORIGIN,
      capabilities: ELICITATION,
    });
    client.setRequestHandler("elicitation/create", async () => ({ action: "accept", content: { confirm: true } }));
    const result = await client.callTool({ name: "delete_project", arguments: { project: "demo" } });
    expect(result.structuredContent).toMatchObject({ project: "demo", deleted: true });
    await client.close();
  });
});

describe("delete_project's requestState", () => {
  it("is signed, and a valid one with an accepted answer deletes", async () => {
    const state = await ask("alpha");
    expect(state).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    const second = await send(call({ project: "alpha" }, { requestState: state, inputResponses: accept }));
    expect(second.result?.structuredContent).toMatchObject({ project: "alpha", deleted: true });
  });

  it("refuses a tampered state", async () => {
    const state = await ask("alpha");
    const [, body, mac] = state.split(".");
    // Claim another tool and other arguments with the same signature.
    const forged = JSON.parse(new TextDecoder().decode(fromBase64url(body!)));
    forged.p.args = "x";
    const tampered = `v1.${base64url(JSON.stringify(forged))}.${mac}`;
    for (const bad of [tampered, `${state.slice(0, -2)}AA`, "not-a-state"]) {
      const answer = await send(call({ project: "alpha" }, { requestState: bad, inputResponses: accept }));
      expect(answer.error).toMatchObject({ code: -32602, message: "Invalid or expired requestState" });
    }
  });

  it("refuses an expired state (older than five minutes)", async () => {
    const state = await ask("alpha");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 5 * 60_000 + 2_000);
    const answer = await send(call({ project: "alpha" }, { requestState: state, inputResponses: accept }));
    expect(answer.error).toMatchObject({ code: -32602, message: "Invalid or expired requestState" });
  });

  it("refuses a state replayed for other arguments: a yes to one project never deletes another", async () => {
    const state = await ask("alpha");
    const answer = await send(call({ project: "beta" }, { requestState: state, inputResponses: accept }));
    expect(answer.result?.isError).toBe(true);
    expect(answer.result?.content?.[0]?.text).toBe(
      "This requestState was issued for another call (another tool or other arguments): nothing was done.",
    );
    expect(answer.result?.structuredContent).toBeUndefined();
  });

  it("within its lifetime, the same state for the same call approves the same deletion again", async () => {
    // Stateless: nothing remembers a state was used. It names one confirmation, which the result
    // echoes, so a real backend can make the deletion idempotent on it.
    const state = await ask("alpha");
    const round = { requestState: state, inputResponses: accept };
    const first = await send(call({ project: "alpha" }, round));
    const again = await send(call({ project: "alpha" }, round));
    expect(again.result?.structuredContent?.confirmation).toBe(first.result?.structuredContent?.confirmation);
  });

  it("refuses a state replayed by another caller: another OAuth client, or anonymous", async () => {
    const a = await signIn({ vars: deployedOauth });
    const b = await signIn({ vars: deployedOauth });
    const state = await ask("alpha", deployedOauth, a.tokens.access_token);
    const round = { requestState: state, inputResponses: accept };

    const same = await send(call({ project: "alpha" }, round), deployedOauth, a.tokens.access_token);
    expect(same.result?.structuredContent).toMatchObject({ deleted: true });
    const otherClient = await send(call({ project: "alpha" }, round), deployedOauth, b.tokens.access_token);
    expect(otherClient.error).toMatchObject({ code: -32602 });
    // The same secret with authentication off: the state was not issued to "anonymous".
    const anonymous = await send(call({ project: "alpha" }, round), deployed);
    expect(anonymous.error).toMatchObject({ code: -32602 });
  });

  it("declined or missing answers delete nothing, even with a valid state", async () => {
    const state = await ask("alpha");
    const declined = await send(
      call({ project: "alpha" }, { requestState: state, inputResponses: { confirm: { action: "decline" } } }),
    );
    expect(declined.result?.structuredContent).toEqual({ project: "alpha", deleted: false });
    const unchecked = await send(
      call(
        { project: "alpha" },
        { requestState: state, inputResponses: { confirm: { action: "accept", content: { confirm: false } } } },
      ),
    );
    expect(unchecked.result?.structuredContent).toEqual({ project: "alpha", deleted: false });
    const missing = await send(call({ project: "alpha" }, { requestState: state }));
    expect(missing.result?.structuredContent).toEqual({ project: "alpha", deleted: false });
  });

  it("deployed without REQUEST_STATE_SECRET: fails closed with a clear error", async () => {
    const unset: Vars = { MCP_AUTH: "none" };
    const first = await send(call({ project: "alpha" }), unset);
    expect(first.result?.isError).toBe(true);
    expect(first.result?.content?.[0]?.text).toMatch(/REQUEST_STATE_SECRET is not set/);
    // And no state is accepted, not even one signed while the secret was set.
    const state = await ask("alpha");
    const answer = await send(call({ project: "alpha" }, { requestState: state, inputResponses: accept }), unset);
    expect(answer.error).toMatchObject({ code: -32602 });
  });

  it("on localhost without the secret (wrangler dev): signs with a key of its own", async () => {
    const request = call({ project: "alpha" });
    const first = await (await post(request.body, { headers: request.headers })).json<Answer>();
    expect(first.result?.resultType).toBe("input_required");
    const round = call({ project: "alpha" }, { requestState: first.result!.requestState, inputResponses: accept });
    const second = await (await post(round.body, { headers: round.headers })).json<Answer>();
    expect(second.result?.structuredContent).toMatchObject({ deleted: true });
    // That key is not the deployed one: its states mean nothing there.
    const elsewhere = await send(round, deployed);
    expect(elsewhere.error).toMatchObject({ code: -32602 });
  });
});

describe("delete_project, 2025-11-25 (the 1.x client, stateless)", () => {
  // Asking a 2025-era client mid-call is an optional part of the harness (src/template/optional/questions/).
  const canAsk = parts.questions.capabilities.includes("elicitation");

  it.runIf(canAsk)(
    "asks a client that declared elicitation in the middle of the call, and deletes only if it accepts",
    async () => {
      const { ElicitRequestSchema } = await import("@modelcontextprotocol/sdk/types.js");
      const client = await legacyClient({ capabilities: ELICITATION });
      const elicit = vi.fn(async (_request: { params: { message: string } }) => ({
        action: "accept" as const,
        content: { confirm: true },
      }));
      client.setRequestHandler(ElicitRequestSchema, elicit);
      const done = await client.callTool({ name: "delete_project", arguments: { project: "demo" } });
      expect(elicit).toHaveBeenCalledOnce();
      expect(elicit.mock.calls[0]![0].params.message).toBe('Delete the project "demo"? This cannot be undone.');
      expect(done.structuredContent).toEqual({ project: "demo", deleted: true, confirmation: expect.any(String) });

      client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "decline" as const }));
      const kept = await client.callTool({ name: "delete_project", arguments: { project: "demo" } });
      expect(kept.structuredContent).toEqual({ project: "demo", deleted: false });
      expect(JSON.stringify(kept.content)).toContain("The user did not confirm");
      await client.close();
    },
  );

  it.skipIf(canAsk)("without the questions part, tells a client that declared elicitation how to confirm", async () => {
    const client = await legacyClient({ capabilities: ELICITATION });
    const refused = await client.callTool({ name: "delete_project", arguments: { project: "demo" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("call delete_project again with confirm: true");
    await client.close();
  });

  it("answers a client that cannot be asked at once, saying how to confirm", async () => {
    const client = await legacyClient();
    const refused = await client.callTool({ name: "delete_project", arguments: { project: "demo" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("call delete_project again with confirm: true");
    expect(JSON.stringify(refused.content)).toContain("Nothing was deleted");
    const done = await client.callTool({ name: "delete_project", arguments: { project: "demo", confirm: true } });
    expect(done.structuredContent).toEqual({ project: "demo", deleted: true });
    await client.close();
  });

  it("with a token from the OAuth flow", async () => {
    const { tokens } = await signIn({ vars: withPassphrase });
    const client = await legacyClient({ vars: withPassphrase, token: tokens.access_token, origin: ORIGIN });
    const done = await client.callTool({ name: "delete_project", arguments: { project: "demo", confirm: true } });
    expect(done.structuredContent).toEqual({ project: "demo", deleted: true });
    await client.close();
  });

  it("refuses names that are not project names", async () => {
    const client = await legacyClient();
    const result = await client.callTool({ name: "delete_project", arguments: { project: "../etc", confirm: true } });
    expect(result.isError).toBe(true);
    await client.close();
  });
});

describe("delete_project, a 2025 client that drops Mcp-Session-Id (as Claude's connector is reported to)", () => {
  it("declared elicitation, but the call cannot know it: the clear fallback, never a question it cannot answer", async () => {
    const dropping = CLIENT_KINDS.find((kind) => kind.dropsSession)!;
    const client = (await dropping.connect({ capabilities: ELICITATION })) as unknown as LegacyClient;
    const { ElicitRequestSchema } = await import("@modelcontextprotocol/sdk/types.js");
    const elicit = vi.fn(async () => ({ action: "accept" as const, content: { confirm: true } }));
    client.setRequestHandler(ElicitRequestSchema, elicit);
    const refused = await client.callTool({ name: "delete_project", arguments: { project: "demo" } });
    expect(elicit).not.toHaveBeenCalled();
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("call delete_project again with confirm: true");
    const done = await client.callTool({ name: "delete_project", arguments: { project: "demo", confirm: true } });
    expect(done.structuredContent).toEqual({ project: "demo", deleted: true });
    await client.close();
  });
});
