import type { Config } from "../config.js";
import { base64 } from "../encoding.js";
import { isLoopback } from "../loopback.js";
import type { IdentityKind } from "../types.js";

/**
 * What each MCP client needs to connect to this server: the exact command, file or link, built
 * from the server's real URL. The formats are the clients' own (checked against their docs):
 * - Claude Code: `claude mcp add --transport http <name> <url>`
 * - Cursor: an install deeplink whose `config` is the base64 of the server's mcp.json entry, and
 *   `mcpServers` in .cursor/mcp.json
 * - VS Code: `code --add-mcp '<json>'`, the `vscode:mcp/install?<json>` link, `servers` in
 *   .vscode/mcp.json
 * - MCP Inspector: `--transport http --server-url <url>` (UI), `--cli <url> --transport http` (CLI)
 * Claude and ChatGPT take the URL in their settings (custom connectors), so the page shows where.
 */
export interface ClientSnippets {
  /** A name clients accept as a server key and on a command line: [a-z0-9_-]. */
  name: string;
  claudeCode: string;
  cursorInstallUrl: string;
  cursorJson: string;
  vscodeCommand: string;
  vscodeInstallUrl: string;
  vscodeJson: string;
  inspector: string;
  inspectorCli: string;
}

export function clientSnippets(serverName: string, mcpUrl: string): ClientSnippets {
  const name =
    serverName
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "mcp-server";
  const url = shellQuote(mcpUrl);
  const vscodeEntry = JSON.stringify({ name, type: "http", url: mcpUrl });
  return {
    name,
    claudeCode: `claude mcp add --transport http ${name} ${url}`,
    cursorInstallUrl: `cursor://anysphere.cursor-deeplink/mcp/install?name=${encodeURIComponent(name)}&config=${encodeURIComponent(base64(JSON.stringify({ url: mcpUrl })))}`,
    cursorJson: pretty({ mcpServers: { [name]: { url: mcpUrl } } }),
    vscodeCommand: `code --add-mcp ${shellQuote(vscodeEntry)}`,
    vscodeInstallUrl: `vscode:mcp/install?${encodeURIComponent(vscodeEntry)}`,
    vscodeJson: pretty({ servers: { [name]: { type: "http", url: mcpUrl } } }),
    inspector: `npx @modelcontextprotocol/inspector --transport http --server-url ${url}`,
    inspectorCli: `npx @modelcontextprotocol/inspector --cli ${url} --transport http --method tools/list`,
  };
}

/** What a person is asked when a client connects, in the words the page shows. */
export interface SignIn {
  /** The identity kind that will ask, or: no sign-in, the dev code on localhost, not set up yet. */
  kind: IdentityKind | "none" | "dev" | "unconfigured";
  /** One sentence for the page. */
  summary: string;
}

export function signInFor(config: Config, origin: string): SignIn {
  if (config.auth === "none") {
    return { kind: "none", summary: "No sign-in: anyone who can reach the URL can use this server." };
  }
  const { identity, secrets, oidcIssuer, allowedUsers } = config.oauth;
  const only = allowedUsers.size > 0 ? " Only the accounts on this server's allow-list get in." : "";
  if (identity !== "passphrase" && (!secrets.upstreamClientId || !secrets.upstreamClientSecret)) {
    return {
      kind: "unconfigured",
      summary:
        "Sign-in is not set up yet: the owner must set the secrets UPSTREAM_CLIENT_ID and UPSTREAM_CLIENT_SECRET. Until then every sign-in is refused.",
    };
  }
  if (identity === "github") {
    return {
      kind: "github",
      summary: `Your client opens this server's sign-in page in a browser: sign in with GitHub, then approve.${only}`,
    };
  }
  if (identity === "oidc") {
    const issuer = oidcIssuer ? ` at ${oidcIssuer.host}` : "";
    return {
      kind: "oidc",
      summary: `Your client opens this server's sign-in page in a browser: sign in with your account${issuer}, then approve.${only}`,
    };
  }
  if (secrets.passphrase) {
    return {
      kind: "passphrase",
      summary:
        "Your client opens this server's sign-in page in a browser: enter the passphrase its owner set, then approve.",
    };
  }
  if (isLoopback(new URL(origin).hostname)) {
    return {
      kind: "dev",
      summary:
        "Your client opens this server's sign-in page in a browser. Development mode (no passphrase set, on localhost): enter the one-time code printed in the terminal running wrangler dev.",
    };
  }
  return {
    kind: "unconfigured",
    summary:
      "Sign-in is not set up yet: the owner must set the secret AUTH_PASSPHRASE (npx wrangler secret put AUTH_PASSPHRASE). Until then every sign-in is refused.",
  };
}

/** Single-quoted for POSIX shells when it holds anything but plain URL characters. */
function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
