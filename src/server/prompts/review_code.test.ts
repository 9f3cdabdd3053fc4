import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLIENT_KINDS, type McpClient } from "../../../test/helpers/clients.js";

// ./review_code.ts, through the SDK clients of both protocol eras. Delete both together.

describe.each(CLIENT_KINDS)("review_code, $label", (kind) => {
  let client: McpClient;
  beforeEach(async () => {
    client = await kind.connect();
  });
  afterEach(async () => {
    await client.close();
  });

  it("is listed with its arguments and fills them into the message", async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.find((p) => p.name === "review_code")).toMatchObject({
      name: "review_code",
      arguments: expect.arrayContaining([expect.objectContaining({ name: "code", required: true })]),
    });
    const prompt = await client.getPrompt({
      name: "review_code",
      arguments: { code: "let x = 1", language: "TypeScript", focus: "naming" },
    });
    const text = JSON.stringify(prompt.messages);
    expect(text).toContain("let x = 1");
    expect(text).toContain("Focus on naming");
  });
});
