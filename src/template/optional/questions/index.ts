import type { McpServer } from "@modelcontextprotocol/server";
import { HANDLER_METHODS, methodOf } from "../../mcp/message.js";
import { signingSecret } from "../../mcp/request-state.js";
import type { Caller, Questions } from "../../mcp/seams.js";
import { answersIn, deliverAnswers } from "./answers.js";
import { AskingTransport, type OpenedQuestion } from "./asking-transport.js";
import { ownerOf, quotaOf } from "./caller.js";
import { type Mailbox, mailboxes } from "./mailbox.js";
import { mailboxName, newQuestion, readQuestion } from "./question-id.js";

/**
 * 2025-era questions mid-call (docs/optional-parts.md): a call from a 2025-era client that
 * declared elicitation, sampling or roots at `initialize` can ask it for input, as a 2026-07-28
 * client is asked through multi round-trip. The endpoint reaches this folder only through the
 * `Questions` seam (src/template/mcp/seams.ts); delete the folder and the MAILBOX binding in
 * wrangler.toml, and 2025-era clients are never asked (a tool's `inputRequired(...)` gets the
 * SDK's tool error at once, and `canAskUser` says no), as before this part existed.
 *
 * What it needs: the MAILBOX Durable Object binding, and a secret to sign question ids with
 * (REQUEST_STATE_SECRET; on localhost a random key of the isolate). Without either, nobody is
 * asked.
 */
const questions: Questions = {
  capabilities: ["sampling", "elicitation", "roots"],

  deliver(body, caller) {
    const answers = answersIn(body);
    if (!answers) return undefined;
    const secret = secretFor(caller);
    const owner = ownerOf(caller);
    return deliverAnswers(
      answers,
      async (id) => (secret ? readQuestion(secret, owner, id) : undefined),
      async ({ mailbox, key }, answer) => {
        const namespace = mailboxes(caller.env);
        return (await namespace?.get(namespace.idFromName(mailbox)).deliver(key, answer)) ?? false;
      },
    );
  },

  asking({ body, session, caller }) {
    const namespace = mailboxes(caller.env);
    if (Object.keys(session.capabilities).length === 0 || namespace === undefined) return undefined;
    if (!HANDLER_METHODS.has(methodOf(body) ?? "")) return undefined;
    const secret = secretFor(caller);
    if (!secret) return undefined;
    const owner = ownerOf(caller);
    return {
      askable: session.capabilities,
      async connect(server: McpServer, mode) {
        const open = opener(namespace, await mailboxName(quotaOf(caller)), secret, owner);
        const transport = new AskingTransport(mode, open);
        await server.connect(transport);
        await transport.replayInitialize(session);
        return transport;
      },
    };
  },
};

export default questions;

/** What the tool's call reports when its caller has too many questions open (./mailbox.ts). */
class TooManyQuestions extends Error {
  constructor() {
    super("Too many questions are waiting for answers from this client: answer or dismiss one, then try again");
  }
}

/**
 * Opens questions in the Mailbox named `mailbox` (one caller's), signed for `owner`: each a
 * WebSocket to the object, and the question's id that names it. 429 from the object (the caller
 * has MAX_OPEN_QUESTIONS open) is TooManyQuestions, which the SDK hands the tool as a clean error.
 */
export function opener(
  namespace: DurableObjectNamespace<Mailbox>,
  mailbox: string,
  secret: string,
  owner: string,
): (lifetimeMs: number) => Promise<OpenedQuestion> {
  return async (lifetimeMs) => {
    const question = await newQuestion(secret, owner, mailbox, lifetimeMs);
    const url = `https://mailbox.invalid/?question=${question.key}&expires=${question.expires}`;
    const opened = await namespace
      .get(namespace.idFromName(mailbox))
      .fetch(url, { headers: { Upgrade: "websocket" } })
      .catch((error: unknown) => {
        // The runtime's own words (an outage, say) go to the log, not to the client.
        console.error("questions: a Mailbox could not be reached:", String(error).slice(0, 200));
        throw new Error("The question could not be asked: try again later");
      });
    if (opened.status === 429) throw new TooManyQuestions();
    if (!opened.webSocket) throw new Error(`The question could not be opened (${opened.status})`);
    opened.webSocket.accept();
    return { id: question.id, socket: opened.webSocket };
  };
}

function secretFor(caller: Caller): string | undefined {
  return signingSecret(caller.env, new URL(caller.request.url));
}
