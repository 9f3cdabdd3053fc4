import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLIENT_KINDS, type McpClient } from "../../../test/helpers/clients.js";
import { serverInfo } from "../info.js";

// ./server_info.ts (a fixed resource), through the SDK clients of both protocol eras. Delete both
// together.

describe.each(CLIENT_KINDS)("info://server, $label", (kind) => {
  let client: McpClient;
  beforeEach(async () => {
    client = await kind.connect();
  });
  afterEach(async () => {
    await client.close();
  });

  it("is listed and names the server, its version and what it is", async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain("info://server");
    const [content] = (await client.readResource({ uri: "info://server" })).contents;
    if (!content || !("text" in content)) throw new Error("expected a text resource");
    expect(JSON.parse(content.text)).toEqual({
      name: serverInfo.name,
      title: serverInfo.title,
      version: serverInfo.version,
      description: serverInfo.description,
    });
  });
});
