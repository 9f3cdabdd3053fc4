import * as z from "zod";
import {
  canAskUser,
  defineTool,
  inputRequired,
  inputResponse,
  openState,
  RequestStateNotConfigured,
  sealState,
  toolError,
} from "../../template/api.js";

const NAME = "delete_project";

/** What the user is asked: one checkbox. */
const Confirmation = z.object({ confirm: z.boolean().describe("Yes, delete it") });

/**
 * Asks the user before doing something that cannot be undone (here simulated: nothing is stored).
 *
 * Clients that can show a form (the `elicitation` capability): the first call returns
 * `inputRequired(...)` with a question and a signed `requestState` (src/template/mcp/request-state.ts); a
 * 2026-07-28 client asks the user and calls again with the answer and the state, and only an
 * accepted answer to a valid state for this very call deletes. A 2025-era client that declared it
 * at initialize is asked the same question in the middle of the call instead (the SDK sends
 * `elicitation/create`; src/template/optional/questions/) and the same code runs with its answer. Other
 * clients get a tool error saying how to confirm: ask the user, then call again with `confirm: true`.
 */
export default defineTool({
  name: NAME,
  title: "Delete a project",
  description:
    "Delete a project, after the user confirms (simulated: nothing is stored). " +
    "If the client cannot ask the user itself, ask them, and call again with confirm: true only if they agree.",
  inputSchema: z.object({
    project: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits, '.', '_' or '-', up to 64")
      .describe("Name of the project to delete"),
    confirm: z
      .boolean()
      .optional()
      .describe("Only when the client cannot ask the user: true once the user has agreed to delete"),
  }),
  outputSchema: z.object({
    project: z.string(),
    deleted: z.boolean(),
    confirmation: z.string().optional().describe("Identifies the confirmation that approved this deletion"),
  }),
  annotations: { destructiveHint: true, idempotentHint: true, readOnlyHint: false, openWorldHint: false },
  async handler(args, ctx) {
    const { project } = args;
    if (!canAskUser(ctx)) {
      if (args.confirm !== true) {
        return toolError(
          `Deleting "${project}" cannot be undone, and this client cannot ask the user to confirm. ` +
            `Ask the user; if they agree, call ${NAME} again with confirm: true. Nothing was deleted.`,
        );
      }
      return deleted(project);
    }

    const state = await openState<{ nonce: string }>(ctx, NAME, args);
    if (!state) {
      let requestState: string;
      try {
        requestState = await sealState(ctx, NAME, args, { nonce: crypto.randomUUID() });
      } catch (error) {
        if (error instanceof RequestStateNotConfigured) return toolError(error.message);
        throw error;
      }
      return inputRequired({
        inputRequests: {
          confirm: inputRequired.elicit({
            message: `Delete the project "${project}"? This cannot be undone.`,
            requestedSchema: Confirmation,
          }),
        },
        requestState,
      });
    }

    const answer = inputResponse(ctx.mcp.mcpReq.inputResponses, "confirm");
    const content = answer.kind === "elicit" ? Confirmation.safeParse(answer.content) : undefined;
    if (answer.kind === "elicit" && answer.action === "accept" && content?.data?.confirm === true) {
      return deleted(project, state.nonce);
    }
    const why = answer.kind === "elicit" ? "The user did not confirm" : "No answer came back";
    return {
      content: [{ type: "text", text: `${why}: "${project}" was not deleted.` }],
      structuredContent: { project, deleted: false },
    };
  },
});

/**
 * The destructive part, simulated. `confirmation` is the state's nonce: a real backend would use
 * it as an idempotency key, so the same confirmation sent twice deletes once.
 */
function deleted(project: string, confirmation?: string) {
  return {
    content: [{ type: "text" as const, text: `Deleted the project "${project}" (simulated: nothing was stored).` }],
    structuredContent: { project, deleted: true, ...(confirmation && { confirmation }) },
  };
}
