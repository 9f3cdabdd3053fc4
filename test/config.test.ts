import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { ConfigError, getConfig } from "../src/template/config.js";
import { fetchWorker } from "./helpers/worker.js";

const config = (vars: Record<string, string>) => getConfig({ ...env, ...vars } as Env);

describe("configuration", () => {
  it("reads wrangler.toml's [vars]", () => {
    const c = getConfig(env);
    expect(c.auth).toMatch(/^(oauth|none)$/);
    expect(c.maxBodyBytes).toBe(1048576);
  });

  it("normalizes PUBLIC_URL and ALLOWED_ORIGINS to origins", () => {
    const c = config({
      MCP_AUTH: "none",
      PUBLIC_URL: "https://MCP.example.com/some/path?q=1",
      ALLOWED_ORIGINS: " https://a.example.com/ ,, http://localhost:5173 ",
      MAX_BODY_BYTES: "2048",
    });
    expect(c.publicUrl?.href).toBe("https://mcp.example.com/");
    expect([...c.allowedOrigins]).toEqual(["https://a.example.com", "http://localhost:5173"]);
    expect(c.maxBodyBytes).toBe(2048);
  });

  it("takes MAX_BODY_BYTES quoted or not, and empty as the default", () => {
    expect(getConfig({ ...env, MAX_BODY_BYTES: 4096 } as unknown as Env).maxBodyBytes).toBe(4096);
    expect(config({ MAX_BODY_BYTES: "" }).maxBodyBytes).toBe(1048576);
    expect(config({ MAX_BODY_BYTES: " 2048 " }).maxBodyBytes).toBe(2048);
  });

  it("reads REQUEST_STATE_SECRET, blank meaning unset", () => {
    expect(config({ REQUEST_STATE_SECRET: "x".repeat(32) }).requestStateSecret).toBe("x".repeat(32));
    expect(config({ REQUEST_STATE_SECRET: "  " }).requestStateSecret).toBeUndefined();
    expect(config({}).requestStateSecret).toBeUndefined();
  });

  it("reads LOG_ARGUMENTS (0: none, the default) and LOG_USER_SECRET", () => {
    expect(config({}).log).toEqual({ argumentChars: 0, userSecret: undefined });
    expect(config({ LOG_ARGUMENTS: "256", LOG_USER_SECRET: "y".repeat(32) }).log).toEqual({
      argumentChars: 256,
      userSecret: "y".repeat(32),
    });
  });

  it("treats an empty PUBLIC_URL as 'use the request's origin'", () => {
    expect(config({ PUBLIC_URL: "" }).publicUrl).toBeUndefined();
    expect(config({ PUBLIC_URL: "http://localhost:8787" }).publicUrl?.origin).toBe("http://localhost:8787");
  });

  it.each([
    ["MCP_AUTH", "basic", /MCP_AUTH: Invalid option: expected one of "oauth"\|"none"/],
    ["PUBLIC_URL", "mcp.example.com", /PUBLIC_URL: must be an https origin/],
    ["PUBLIC_URL", "http://mcp.example.com", /PUBLIC_URL: must be an https origin \(http only on localhost\)/],
    ["PUBLIC_URL", "ftp://mcp.example.com", /PUBLIC_URL: must be an https origin/],
    [
      "ALLOWED_ORIGINS",
      "https://ok.example, javascript:alert(1)",
      /ALLOWED_ORIGINS\.1: "javascript:alert\(1\)" is not an http\(s\) origin/,
    ],
    [
      "MAX_BODY_BYTES",
      "lots",
      /MAX_BODY_BYTES: must be a whole number of bytes from 1024 to 104857600.*\(got "lots"\)/,
    ],
    ["MAX_BODY_BYTES", "10", /MAX_BODY_BYTES: must be a whole number of bytes from 1024/],
    ["MAX_BODY_BYTES", "1e12", /MAX_BODY_BYTES: must be a whole number of bytes .* \(got "1e12"\)/],
    ["MAX_BODY_BYTES", "1.5", /MAX_BODY_BYTES: must be a whole number/],
    ["REQUEST_STATE_SECRET", "short-secret", /REQUEST_STATE_SECRET: must be at least 32 bytes long/],
    [
      "LOG_ARGUMENTS",
      "5000",
      /LOG_ARGUMENTS: must be a whole number of characters from 1 to 4096 \(or 0: no arguments are logged\)/,
    ],
    ["LOG_ARGUMENTS", "all", /LOG_ARGUMENTS: must be a whole number of characters/],
    ["LOG_USER_SECRET", "short-secret", /LOG_USER_SECRET: must be at least 32 bytes long/],
  ])("refuses %s=%s with a message naming the setting", (name, value, message) => {
    expect(() => config({ [name]: value })).toThrow(ConfigError);
    expect(() => config({ [name]: value })).toThrow(message);
  });

  it("tells clients only that the server is misconfigured; the log names the setting", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const path of ["/", "/mcp", "/.well-known/mcp/server-card.json"]) {
      const response = await fetchWorker(path, undefined, { MCP_AUTH: "none", MAX_BODY_BYTES: "lots" });
      expect(response.status).toBe(500);
      expect(response.headers.get("Content-Type")).toContain("application/json");
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: "server_misconfigured" });
      // Neither the setting's value nor its name reaches the client.
      expect(text).not.toContain("lots");
      expect(text).not.toContain("MAX_BODY_BYTES");
    }
    // The operator sees the sentence in `wrangler tail` / the dashboard logs.
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining(
        'MAX_BODY_BYTES: must be a whole number of bytes from 1024 to 104857600, e.g. 1048576 (got "lots")',
      ),
    );
    log.mockRestore();
  });
});
