import { getConfig } from "../../config.js";
import { hex, sha256 } from "../../encoding.js";
import { oauthHelpers, oauthProvider } from "../provider.js";
import { asOnePageView } from "./cimd-fetch.js";

/** A token request, as the gateway read it (the body already bounded and checked). */
export interface TokenCall {
  origin: string;
  url: string;
  headers: [string, string][];
  body: string;
  /** The code or refresh token presented; its grant names this object. */
  presented: string;
}

export interface Answer {
  status: number;
  headers: [string, string][];
  body: string;
}

const unrouted = { fetch: () => new Response(null, { status: 404 }) };

/**
 * The work of the RefreshGuard Durable Object (./refresh-guard.ts, which imports this on its
 * first call): one object per grant (named `userId:grantId`) through which every code exchange
 * and refresh of that grant passes, one at a time (RFC 9700 §4.14.2, refresh token rotation with
 * reuse detection). The provider keeps the previous refresh token valid next to the new one and
 * cannot tell a replay from a retry, and its read-compare-write on KV lets concurrent refreshes
 * all succeed. Here:
 * - requests for one grant run in turn (a queue in this object, which is the only one for the grant);
 * - each code or refresh token that was exchanged successfully is remembered (its hash);
 * - presenting one again revokes the grant: its record, every access token the provider lists,
 *   and the access tokens issued here (listed by hash, since KV's list lags behind writes), and
 *   every later request for the grant is refused here without asking KV.
 */
export class RefreshRotation {
  readonly #ctx: DurableObjectState;
  /** The object's own bindings and settings: the Worker's, as wrangler.toml gives them to both. */
  readonly #env: Env;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    this.#ctx = ctx;
    this.#env = env;
  }

  exchange(call: TokenCall): Promise<Answer> {
    // A failure (KV down, say) is answered here, cleanly, rather than thrown across the RPC
    // boundary, where the runtime would report it as uncaught.
    const run = this.#queue
      .then(() => this.#exchange(call))
      .catch((error: unknown) => {
        console.error("oauth: token request failed in the grant's guard:", error);
        return serverError();
      });
    this.#queue = run;
    return run;
  }

  async #exchange(call: TokenCall): Promise<Answer> {
    const storage = this.#ctx.storage.kv;
    if (storage.get("revoked")) return refused("This grant was revoked after a refresh token or code was used twice.");
    const presentedId = hex(await sha256(call.presented));
    if (storage.get(`used:${presentedId}`)) {
      await this.#revoke(call);
      console.warn("oauth: a used refresh token or code was presented again; the grant is revoked");
      return refused("This refresh token or code was already used, so the grant is revoked. Sign in again.");
    }

    const config = getConfig(this.#env);
    const provider = oauthProvider(config, call.origin, unrouted);
    const request = new Request(call.url, { method: "POST", headers: call.headers, body: call.body });
    const ctx = { waitUntil: (p: Promise<unknown>) => this.#ctx.waitUntil(p), passThroughOnException() {}, props: {} };
    const response = await asOnePageView(() => provider.fetch(request, this.#env, ctx as unknown as ExecutionContext));
    const body = await response.text();
    if (response.status === 200) {
      storage.put(`used:${presentedId}`, Date.now());
      const issued = (JSON.parse(body) as { access_token?: unknown }).access_token;
      if (typeof issued === "string") storage.put(`issued:${hex(await sha256(issued))}`, Date.now());
      // Nothing here outlives the grant: its lifetime, plus a day for clocks and stragglers.
      const life = (config.oauth.refreshTokenTtl || config.oauth.accessTokenTtl) + 86400;
      if ((await this.#ctx.storage.getAlarm()) === null) await this.#ctx.storage.setAlarm(Date.now() + life * 1000);
    }
    return { status: response.status, headers: [...response.headers], body };
  }

  async #revoke(call: TokenCall): Promise<void> {
    const storage = this.#ctx.storage.kv;
    storage.put("revoked", Date.now());
    const [userId, grantId] = call.presented.split(":") as [string, string];
    const helpers = oauthHelpers(getConfig(this.#env), call.origin, this.#env);
    await helpers.revokeGrant(grantId, userId);
    const issued = [...storage.list({ prefix: "issued:" })].map(([key]) => key.slice("issued:".length));
    await Promise.all(issued.map((id) => this.#env.OAUTH_KV.delete(`token:${userId}:${grantId}:${id}`)));
  }

  async alarm(): Promise<void> {
    await this.#ctx.storage.deleteAll();
  }
}

function serverError(): Answer {
  return {
    status: 500,
    headers: [
      ["Content-Type", "application/json"],
      ["Cache-Control", "no-store"],
    ],
    body: JSON.stringify({
      error: "server_error",
      error_description: "Something went wrong on the server; try again later.",
    }),
  };
}

function refused(description: string): Answer {
  return {
    status: 400,
    headers: [
      ["Content-Type", "application/json"],
      ["Cache-Control", "no-store"],
    ],
    body: JSON.stringify({ error: "invalid_grant", error_description: description }),
  };
}
