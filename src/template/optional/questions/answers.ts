import { isJSONRPCErrorResponse, isJSONRPCResultResponse } from "@modelcontextprotocol/server";
import { boundedJson, isObject } from "../../mcp/message.js";
import type { Question } from "./question-id.js";
import { looksLikeQuestion } from "./question-id.js";

/** The largest answer accepted (a sampled image, say); the form answers are a few hundred bytes. */
export const ANSWER_MAX_BYTES = 256 * 1024;
/** How deep an answer may nest: a form's answers are two or three levels, a sampled message five. */
const ANSWER_MAX_DEPTH = 64;

/**
 * The answers in a POST, if that is all it carries and each answers a question of this server
 * (an `ask.` id): those are delivered (`deliverAnswers`). Anything else is served as before.
 */
export function answersIn(body: unknown): Record<string, unknown>[] | undefined {
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length === 0) return undefined;
  for (const message of messages) {
    if (!isObject(message) || "method" in message || !("result" in message || "error" in message)) return undefined;
    if (!looksLikeQuestion(message.id)) return undefined;
  }
  return messages as Record<string, unknown>[];
}

/** Where an answer goes: the question its id names, if the id is valid for this caller (./question-id.ts). */
export type Addressee = (id: string) => Promise<Question | undefined>;
/** Hands an answer's JSON to its question's Mailbox; false when nothing waits for it there (throws if it cannot be reached). */
export type Courier = (question: Question, answer: string) => Promise<boolean>;

/**
 * Delivers each answer to the question it answers. 202 when all were taken; 413 for an answer
 * over ANSWER_MAX_BYTES; 503 when a Mailbox cannot be reached; 400 for one that is not a JSON-RPC
 * response, and 400 too, the same for
 * all, for a question that is unknown, lapsed, withdrawn, answered already or someone else's, so
 * that nothing can be learnt by trying ids. Every answer is checked, its id included, before any
 * is delivered: an id this server did not sign for this caller reaches no Durable Object.
 */
export async function deliverAnswers(
  answers: Record<string, unknown>[],
  addressee: Addressee,
  courier: Courier,
): Promise<Response> {
  const checked: { question: Question; text: string }[] = [];
  for (const answer of answers) {
    const text = boundedJson(answer, { maxDepth: ANSWER_MAX_DEPTH, maxLength: ANSWER_MAX_BYTES });
    if (text === undefined || utf8.encode(text).byteLength > ANSWER_MAX_BYTES) {
      // Too long, or too deep to be an answer (the walk stopped either way): say which.
      return boundedJson(answer, { maxDepth: ANSWER_MAX_DEPTH, maxLength: Number.POSITIVE_INFINITY }) === undefined
        ? refusal(400, -32600, `Invalid Request: an answer may nest at most ${ANSWER_MAX_DEPTH} levels`)
        : refusal(413, -32000, `Payload Too Large: an answer must be at most ${ANSWER_MAX_BYTES} bytes`);
    }
    // Checked here, so that a malformed answer is refused and leaves the question open.
    if (!isJSONRPCResultResponse(answer) && !isJSONRPCErrorResponse(answer)) {
      return refusal(
        400,
        -32600,
        "Invalid Request: an answer must be a JSON-RPC response (a result object or an error)",
      );
    }
    const question = await addressee(answer.id as string);
    if (!question) return noQuestion();
    checked.push({ question, text });
  }
  for (const { question, text } of checked) {
    const delivered = await courier(question, text).catch((error: unknown) => {
      console.error("questions: a Mailbox could not be reached:", String(error).slice(0, 200));
      return undefined;
    });
    if (delivered === undefined) return refusal(503, -32000, "Service Unavailable: try the answer again later");
    if (!delivered) return noQuestion();
  }
  return new Response(null, { status: 202 });
}

const utf8 = new TextEncoder();

function noQuestion(): Response {
  return refusal(
    400,
    -32600,
    "Invalid Request: no question of this server is waiting for this answer " +
      "(it was answered already, withdrawn when its call ended, timed out, or asked in another session)",
  );
}

function refusal(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", id: null, error: { code, message } }, { status });
}
