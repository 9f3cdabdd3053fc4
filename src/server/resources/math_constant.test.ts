import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLIENT_KINDS, type McpClient } from "../../../test/helpers/clients.js";

// ./math_constant.ts (a resource template with completion), through the SDK clients of both
// protocol eras. Delete both together.

describe.each(CLIENT_KINDS)("math://constants/{name}, $label", (kind) => {
  let client: McpClient;
  beforeEach(async () => {
    client = await kind.connect();
  });
  afterEach(async () => {
    await client.close();
  });

  it("is listed as a template and reads a constant", async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain("math://constants/{name}");
    const pi = await client.readResource({ uri: "math://constants/pi" });
    expect(JSON.stringify(pi.contents)).toContain("3.14159");
  });

  it("answers an unknown constant, and names every object has, as not found", async () => {
    for (const name of ["nope", "constructor", "__proto__", "toString"]) {
      await expect(client.readResource({ uri: `math://constants/${name}` })).rejects.toThrow(/Unknown constant/);
    }
  });

  it("completes the variable", async () => {
    const result = await client.complete({
      ref: { type: "ref/resource", uri: "math://constants/{name}" },
      argument: { name: "name", value: "p" },
    });
    expect(result.completion.values).toEqual(["pi", "phi"]);
  });
});
