import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLIENT_KINDS, type McpClient } from "../../../test/helpers/clients.js";
import { logged } from "../../../test/helpers/console.js";
import { freshWindow, ownAddress, WINDOW_TEST_TIMEOUT } from "../../../test/helpers/limits.js";
import { BASE } from "../../../test/helpers/worker.js";

// ./github_repo.ts, through the SDK clients of both protocol eras, with GitHub answered by a
// `fetch` spy (tests never leave the machine). Delete both together.

const TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
const githubAnswer = () =>
  Response.json({
    full_name: "cloudflare/workers-sdk",
    stargazers_count: 1,
    forks_count: 1,
    open_issues_count: 1,
    html_url: "https://github.com/cloudflare/workers-sdk",
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(CLIENT_KINDS)("github_repo, $label", (kind) => {
  let client: McpClient;
  beforeEach(async () => {
    client = await kind.connect();
  });
  afterEach(async () => {
    await client.close();
  });

  it("turns GitHub's answer into structured content", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockResolvedValue(
      Response.json({
        full_name: "cloudflare/workers-sdk",
        description: "Home to Wrangler",
        stargazers_count: 3000,
        forks_count: 700,
        open_issues_count: 600,
        language: "TypeScript",
        license: { spdx_id: "Apache-2.0" },
        html_url: "https://github.com/cloudflare/workers-sdk",
      }),
    );
    const result = await client.callTool({
      name: "github_repo",
      arguments: { owner: "cloudflare", repo: "workers-sdk" },
    });
    expect(spy).toHaveBeenCalledWith("https://api.github.com/repos/cloudflare/workers-sdk", expect.anything());
    expect(result.structuredContent).toMatchObject({
      fullName: "cloudflare/workers-sdk",
      stars: 3000,
      license: "Apache-2.0",
    });
  });

  it.each([
    [new Response("{}", { status: 404 }), "no public repository"],
    [new Response("{}", { status: 403, headers: { "x-ratelimit-reset": "1700000000" } }), "rate limit"],
    [new Response("{}", { status: 502 }), "HTTP 502"],
    [Response.json({ unexpected: true }), "not a repository"],
  ])("explains GitHub failures as tool errors (%#)", async (answer, message) => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(answer);
    const result = await client.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain(message);
  });

  // What workerd's fetch throws: a plain Error for a refused or lost connection (as for
  // http://127.0.0.1:1/) and an opaque one for a failed DNS lookup (wrangler dev offline).
  it.each([
    ["a refused or lost connection", new Error("Network connection lost.")],
    ["a failed DNS lookup", new Error("internal error; reference = 7ujq5k0b4mkkd1v3sfnl0e4c")],
    ["a TypeError", new TypeError("fetch failed")],
    ["something that is not an Error", "boom"],
  ])("explains %s as a tool error, without the runtime's text", async (_, thrown) => {
    vi.spyOn(globalThis, "fetch").mockRejectedValueOnce(thrown);
    const down = await client.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(down.isError).toBe(true);
    const text = JSON.stringify(down.content);
    expect(text).toContain("Could not reach GitHub");
    expect(text).not.toMatch(/internal error|reference =|Network connection lost|fetch failed|boom/);
    expect(logged("warn").join("\n")).toContain(thrown instanceof Error ? thrown.message : thrown);
  });

  it("explains a body cut off on the way as the network's failure, not GitHub's answer", async () => {
    const broken = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"full_name":'));
        controller.error(new Error("Network connection lost."));
      },
    });
    vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(new Response(broken, { status: 200 }));
    const cut = await client.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(cut.isError).toBe(true);
    expect(JSON.stringify(cut.content)).toContain("Could not reach GitHub");
  });

  it("explains a timeout and a cancelled call", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValueOnce(
      new DOMException("The operation was aborted due to timeout", "TimeoutError"),
    );
    const slow = await client.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(slow.isError).toBe(true);
    expect(JSON.stringify(slow.content)).toContain("did not answer within 8 s");

    vi.spyOn(globalThis, "fetch").mockRejectedValueOnce(new DOMException("The operation was aborted", "AbortError"));
    const cancelled = await client.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(cancelled.isError).toBe(true);
    expect(JSON.stringify(cancelled.content)).toContain("cancelled before GitHub answered");
  });

  it("refuses names that are not GitHub names, without calling out", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const result = await client.callTool({ name: "github_repo", arguments: { owner: "../../admin", repo: "x" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("not a GitHub user or organisation name");
    expect(spy).not.toHaveBeenCalled();
  });

  it("refuses . and .., which would leave /repos/{owner}/ in the URL", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    for (const repo of [".", ".."]) {
      const result = await client.callTool({ name: "github_repo", arguments: { owner: "cloudflare", repo } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain("not a GitHub repository name");
    }
    expect(spy).not.toHaveBeenCalled();
  });
});

describe.each(CLIENT_KINDS)("github_repo and the githubToken setting (header x-github-token), $label", (kind) => {
  const connectAs = (headers: Record<string, string> = {}) => kind.connect({ url: `${BASE}/mcp`, headers });

  it("sends the token to GitHub as a bearer token; none without it", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => githubAnswer());
    const withToken = await connectAs({ "x-github-token": TOKEN });
    await withToken.callTool({ name: "github_repo", arguments: { owner: "cloudflare", repo: "workers-sdk" } });
    expect(new Headers(spy.mock.calls[0]![1]!.headers).get("Authorization")).toBe(`Bearer ${TOKEN}`);
    await withToken.close();

    const anonymous = await connectAs({ "x-github-token": "" });
    await anonymous.callTool({ name: "github_repo", arguments: { owner: "cloudflare", repo: "workers-sdk" } });
    expect(new Headers(spy.mock.calls[1]![1]!.headers).has("Authorization")).toBe(false);
    await anonymous.close();
  });

  it("a token GitHub refuses becomes a tool error that says which setting to fix", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(Response.json({ message: "Bad credentials" }, { status: 401 }));
    const client = await connectAs({ "x-github-token": TOKEN });
    const result = await client.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("GitHub refused the token this connection set (x-github-token)");
    await client.close();
  });

  it("the rate-limit error suggests a token only when none is set", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("{}", { status: 403 }));
    const anonymous = await connectAs();
    const a = await anonymous.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(JSON.stringify(a.content)).toContain("x-github-token setting");
    const authed = await connectAs({ "x-github-token": TOKEN });
    const b = await authed.callTool({ name: "github_repo", arguments: { owner: "a", repo: "b" } });
    expect(JSON.stringify(b.content)).not.toContain("x-github-token setting");
    await anonymous.close();
    await authed.close();
  });
});

describe.each(CLIENT_KINDS)("github_repo's own rate limit (TOOL_RATE_LIMIT), $label", (kind) => {
  it(
    "lets a caller make 10 calls a minute, refuses the 11th before GitHub is asked, and not another caller's",
    async () => {
      await freshWindow();
      const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => githubAnswer());
      const args = { name: "github_repo", arguments: { owner: "cloudflare", repo: "workers-sdk" } };
      const me = await kind.connect({ headers: { "CF-Connecting-IP": ownAddress() } });
      const other = await kind.connect({ headers: { "CF-Connecting-IP": ownAddress() } });
      try {
        for (let i = 0; i < 10; i++) expect((await me.callTool(args)).isError).toBeFalsy();
        expect(spy).toHaveBeenCalledTimes(10);
        await expect(me.callTool(args)).rejects.toThrow(/Too many calls to github_repo/);
        expect(spy).toHaveBeenCalledTimes(10);
        expect((await other.callTool(args)).isError).toBeFalsy();
      } finally {
        await me.close();
        await other.close();
      }
    },
    WINDOW_TEST_TIMEOUT,
  );
});
