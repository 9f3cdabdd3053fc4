import { describe, expect, it } from "vitest";
import { tools } from "../src/mcp/registry.gen.js";
import { OPEN } from "./helpers/http.js";
import { fetchWorker } from "./helpers/worker.js";

describe("landing page", () => {
  it("says what the server is and how to connect", async () => {
    const response = await fetchWorker("https://mcp.example.com/", undefined, OPEN);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("<title>MCP Worker Template</title>");
    expect(html).toContain("<code>https://mcp.example.com/mcp</code>");
    expect(html).toContain('href="https://mcp.example.com/.well-known/mcp/server-card.json"');
    expect(html).toContain("npx @modelcontextprotocol/inspector");
    expect(html).toContain("No sign-in is required.");
    for (const tool of tools) expect(html).toContain(`<code>${tool.name}</code>`);
  });

  it("says sign-in is required when MCP_AUTH is oauth", async () => {
    const html = await (await fetchWorker("/", undefined, { MCP_AUTH: "oauth" })).text();
    expect(html).toContain("Sign-in is required");
    expect(html).not.toContain("No sign-in is required.");
  });

  it("uses PUBLIC_URL for the endpoint it advertises", async () => {
    const html = await (
      await fetchWorker("https://x.example.workers.dev/", undefined, { ...OPEN, PUBLIC_URL: "https://mcp.example.org" })
    ).text();
    expect(html).toContain("<code>https://mcp.example.org/mcp</code>");
    expect(html).not.toContain("workers.dev");
  });

  it("answers unknown paths with a JSON 404", async () => {
    const response = await fetchWorker("/nope", undefined, OPEN);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not_found", message: "Nothing at /nope" });
  });
});
