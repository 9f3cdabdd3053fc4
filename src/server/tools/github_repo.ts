import * as z from "zod";
import { defineTool, toolError } from "../../template/api.js";

const TIMEOUT_MS = 8000;

// GitHub's naming rules; validating here keeps arbitrary paths out of the URL we build.
const owner = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "not a GitHub user or organisation name");
// "." and ".." match the character set but would climb out of /repos/{owner}/ in the URL.
const repo = z.string().regex(/^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, "not a GitHub repository name");

/**
 * Calls a public HTTP API. Every way the call can fail (not found, rate limit, timeout, network,
 * DNS, a refused or dropped connection, unexpected answer) becomes a tool error with a sentence the
 * model can act on, never a 500 or the runtime's own error text.
 */
export default defineTool({
  name: "github_repo",
  title: "GitHub repository",
  description: "Look up a public GitHub repository: description, stars, forks, open issues, language, license.",
  inputSchema: z.object({
    owner: owner.describe("User or organisation, e.g. cloudflare"),
    repo: repo.describe("Repository name, e.g. workers-sdk"),
  }),
  outputSchema: z.object({
    fullName: z.string(),
    description: z.string().nullable(),
    stars: z.number().int(),
    forks: z.number().int(),
    openIssues: z.number().int(),
    language: z.string().nullable(),
    license: z.string().nullable(),
    url: z.string(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  // Each call spends GitHub's rate limit (60 an hour for the Worker's address without a token): a
  // caller gets at most TOOL_RATE_LIMIT's calls a minute (wrangler.toml [[ratelimits]]) besides
  // the limit every request counts against. docs/production.md, "Per-caller limits".
  rateLimit: "TOOL_RATE_LIMIT",
  async handler({ owner, repo }, ctx) {
    let response: Response;
    try {
      const headers: Record<string, string> = {
        Accept: "application/vnd.github+json",
        "User-Agent": "mcp-worker-template",
        "X-GitHub-Api-Version": "2022-11-28",
      };
      // The connection's own token, when it set one (src/server/session.ts), lifts the rate limit.
      if (ctx.session.githubToken) headers.Authorization = `Bearer ${ctx.session.githubToken}`;
      response = await fetch(`https://api.github.com/repos/${owner}/${repo}`, {
        headers,
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(TIMEOUT_MS)]),
      });
    } catch (error) {
      return toolError(unreachable(error, ctx.signal));
    }

    if (response.status === 401) {
      return toolError(
        "GitHub refused the token this connection set (x-github-token): it is wrong, expired or revoked. Fix it, or remove it to use GitHub anonymously.",
      );
    }
    if (response.status === 404) {
      return toolError(`There is no public repository ${owner}/${repo} on GitHub. Check the spelling.`);
    }
    if (response.status === 403 || response.status === 429) {
      const reset = Number(response.headers.get("x-ratelimit-reset"));
      const when = Number.isFinite(reset) && reset > 0 ? ` after ${new Date(reset * 1000).toISOString()}` : " later";
      const hint = ctx.session.githubToken
        ? ""
        : " A GitHub token (the x-github-token setting) raises the limit from 60 to 5,000 requests an hour.";
      return toolError(`GitHub's rate limit was reached. Try again${when}.${hint}`);
    }
    if (!response.ok) {
      return toolError(`GitHub answered HTTP ${response.status}. Try again later.`);
    }

    let data: unknown = null;
    try {
      data = await response.json();
    } catch (error) {
      // Not JSON is GitHub's doing (below); a body cut off on the way is the network's.
      if (!(error instanceof SyntaxError)) return toolError(unreachable(error, ctx.signal));
    }
    const parsed = githubRepo.safeParse(data);
    if (!parsed.success) return toolError("GitHub answered with something that is not a repository.");
    const r = parsed.data;
    const result = {
      fullName: r.full_name,
      description: r.description ?? null,
      stars: r.stargazers_count,
      forks: r.forks_count,
      openIssues: r.open_issues_count,
      language: r.language ?? null,
      license: r.license?.spdx_id ?? null,
      url: r.html_url,
    };
    return {
      content: [
        {
          type: "text",
          text: `${result.fullName}: ${result.description ?? "(no description)"} — ★ ${result.stars}, ${result.forks} forks, ${result.openIssues} open issues${result.language ? `, ${result.language}` : ""}.`,
        },
      ],
      structuredContent: result,
    };
  },
});

/**
 * A failed request as a sentence the model can act on. The runtime's own text ("Network connection
 * lost.", "internal error; reference = …" for a failed DNS lookup) helps no one in a chat, so it
 * goes to the server's log instead.
 */
function unreachable(error: unknown, signal: AbortSignal): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : "";
  if (name === "TimeoutError") return `GitHub did not answer within ${TIMEOUT_MS / 1000} s. Try again later.`;
  if (signal.aborted || name === "AbortError") return "The call was cancelled before GitHub answered.";
  console.warn("github_repo: the request to GitHub failed:", error instanceof Error ? error.message : String(error));
  return "Could not reach GitHub (no network, a failed DNS lookup or a refused connection). Check that this server can reach api.github.com, then try again.";
}

const githubRepo = z.object({
  full_name: z.string(),
  description: z.string().nullish(),
  stargazers_count: z.number().int(),
  forks_count: z.number().int(),
  open_issues_count: z.number().int(),
  language: z.string().nullish(),
  license: z.object({ spdx_id: z.string().nullish() }).nullish(),
  html_url: z.string(),
});
