import * as z from "zod";
import { definePrompt } from "../../template/api.js";

/** A prompt with arguments: a reusable message template the user picks in their client. */
export default definePrompt({
  name: "review_code",
  title: "Review code",
  description: "Ask for a careful review of a piece of code.",
  argsSchema: z.object({
    code: z.string().describe("The code to review"),
    language: z.string().optional().describe("Programming language, e.g. TypeScript"),
    focus: z.string().optional().describe("What to look at most: security, performance, readability…"),
  }),
  get({ code, language, focus }) {
    const lang = language ? ` ${language}` : "";
    const what = focus ? `Focus on ${focus}.` : "Look at correctness, security and readability.";
    return {
      description: `Review of${lang} code`,
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: `Please review this${lang} code. ${what} Point to lines, explain why, and suggest fixes.\n\n\`\`\`${language ?? ""}\n${code}\n\`\`\``,
          },
        },
      ],
    };
  },
});
