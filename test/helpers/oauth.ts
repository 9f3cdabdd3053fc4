import { env } from "cloudflare:test";
import type { Secrets } from "../../src/template/config.js";
import { base64url, sha256 } from "../../src/template/encoding.js";
import { TOKEN_DEPLOYMENTS, type TokenDeployment } from "../fixtures/token-settings.js";
import { fetchWorker } from "./worker.js";

/**
 * OAuth test kit: the server at an https origin (the consent cookies are `__Host-`, hence Secure),
 * a browser that keeps cookies, PKCE, and each step of the dance as a function, so tests can run
 * the whole flow or stop at the step they break.
 */
export const ORIGIN = "https://mcp.example.com";
export const MCP_URL = `${ORIGIN}/mcp`;
export const PASSPHRASE = "correct horse battery staple";
export const LOOPBACK_REDIRECT = "http://127.0.0.1:33418/callback";

type Vars = Partial<Env & Secrets>;
export const withPassphrase: Vars = { AUTH_PASSPHRASE: PASSPHRASE };

/**
 * The vars of a deployment with other token settings (test/fixtures/token-settings.ts): its
 * Worker's settings, and its own RefreshGuard, which answers the token endpoint with them.
 */
export function tokenDeployment(name: TokenDeployment): Vars {
  const guard = (env as unknown as Record<string, Env["REFRESH_GUARD"]>)[`${name}_GUARD`];
  if (!guard) throw new Error(`vitest.config.ts binds no ${name}_GUARD`);
  return { ...withPassphrase, ...TOKEN_DEPLOYMENTS[name], REFRESH_GUARD: guard };
}

let ip = 0;
/**
 * A fresh client address, so one test's failed passphrases never throttle another's: each in a
 * /24 of its own (limits count IPv4 per address and per /24), from 198.18.0.0/15 (benchmarking).
 */
export function freshIp(): string {
  ip += 1;
  return `198.${18 + ((ip >> 8) & 1)}.${ip & 255}.1`;
}

export function server(vars: Vars = withPassphrase) {
  return (path: string, init?: RequestInit) => fetchWorker(path.startsWith("http") ? path : ORIGIN + path, init, vars);
}

/** Keeps cookies like a browser does (the consent page binds its form to one). */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly vars: Vars = withPassphrase,
    /** The address it calls from (CF-Connecting-IP); it may move, as a laptop does. */
    public ip = freshIp(),
  ) {}

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("CF-Connecting-IP", this.ip);
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetchWorker(
      url.startsWith("http") ? url : ORIGIN + url,
      { ...init, headers, redirect: "manual" },
      this.vars,
    );
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(";");
      const [name, value] = pair!.split("=") as [string, string];
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return response;
  }
}

export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { verifier, challenge: base64url(await sha256(verifier)) };
}

/** The registration `register` sends: a public client on loopback, as desktop clients register. */
export const TEST_CLIENT = {
  client_name: "Test Client",
  redirect_uris: [LOOPBACK_REDIRECT],
  token_endpoint_auth_method: "none",
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
};

/** RFC 7591 registration of a public client, as the SDK and most MCP clients do it. */
export async function register(
  metadata: Record<string, unknown> = {},
  vars: Vars = withPassphrase,
): Promise<{ client_id: string; [k: string]: unknown }> {
  const response = await server(vars)("/oauth/register", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...TEST_CLIENT, ...metadata }),
  });
  if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${await response.text()}`);
  return response.json();
}

export interface AuthorizeParams {
  clientId: string;
  redirectUri?: string;
  challenge: string;
  state?: string;
  scope?: string;
  resource?: string | null;
}

export function authorizeUrl(p: AuthorizeParams): string {
  const url = new URL(`${ORIGIN}/authorize`);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", p.clientId);
  url.searchParams.set("redirect_uri", p.redirectUri ?? LOOPBACK_REDIRECT);
  url.searchParams.set("code_challenge", p.challenge);
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("state", p.state ?? "state-123");
  if (p.scope !== undefined) url.searchParams.set("scope", p.scope);
  if (p.resource !== null) url.searchParams.set("resource", p.resource ?? MCP_URL);
  return url.href;
}

/** The consent form's one-time handle, read from the page. */
export function handleFrom(html: string): string {
  const match = /name="handle" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no consent handle in the page:\n${html}`);
  return match[1]!;
}

/** POSTs the consent form back to the page's own URL, as the browser does (no action attribute). */
export function postConsent(browser: Browser, url: string, fields: Record<string, string>): Promise<Response> {
  return browser.fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

/** GET the consent page, approve with the passphrase: the redirect back to the client. */
export async function consent(
  browser: Browser,
  url: string,
  fields: Record<string, string> = { decision: "approve", passphrase: PASSPHRASE },
): Promise<Response> {
  const page = await browser.fetch(url);
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${await page.text()}`);
  return postConsent(browser, url, { handle: handleFrom(await page.text()), ...fields });
}

export function codeFrom(response: Response): string {
  const location = response.headers.get("Location");
  if (response.status !== 302 || !location) throw new Error(`expected a redirect with a code, got ${response.status}`);
  const code = new URL(location).searchParams.get("code");
  if (!code) throw new Error(`no code in ${location}`);
  return code;
}

export function tokenRequest(fields: Record<string, string>, vars: Vars = withPassphrase): Promise<Response> {
  return server(vars)("/oauth/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  resource?: string;
}

/** DCR client → consent → code → tokens: the happy path other tests start from. */
export async function signIn(
  options: { scope?: string; vars?: Vars; clientId?: string } = {},
): Promise<{ tokens: Tokens; clientId: string }> {
  const vars = options.vars ?? withPassphrase;
  const clientId = options.clientId ?? (await register({}, vars)).client_id;
  const { verifier, challenge } = await pkce();
  const browser = new Browser(vars);
  const redirect = await consent(browser, authorizeUrl({ clientId, challenge, scope: options.scope }));
  const response = await tokenRequest(
    {
      grant_type: "authorization_code",
      code: codeFrom(redirect),
      redirect_uri: LOOPBACK_REDIRECT,
      client_id: clientId,
      code_verifier: verifier,
      resource: MCP_URL,
    },
    vars,
  );
  if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
  return { tokens: await response.json(), clientId };
}

/** A JSON-RPC POST to /mcp. */
export function rpc(body: unknown, token?: string, vars: Vars = withPassphrase, headers: Record<string, string> = {}) {
  return server(vars)("/mcp", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

export const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
};
