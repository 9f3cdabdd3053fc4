import { type Check, type Context, fail, pass, skip, type Target, warn } from "./check.ts";
import { refusal, unreachable } from "./diagnose.ts";
import { FIX } from "./fixes.ts";
import { excerpt, getJson, insecure, isObject, type Outcome } from "./http.ts";
import { prmUrlFor } from "./target.ts";

/** RFC 9728 then RFC 8414 (or OpenID) metadata, as an MCP client discovers them after the 401. */
export async function oauthChecks(
  target: Target,
  ctx: Context,
  challenge: Record<string, string> | undefined,
): Promise<Check[]> {
  const checks: Check[] = [];
  const declared = challenge?.resource_metadata;
  const prmUrl = declared ?? prmUrlFor(target);
  const outcome = await getJson(prmUrl, ctx);
  const prm = protectedResource(target, prmUrl, outcome, declared !== undefined);
  checks.push(prm.check);

  const root = `${target.origin}/.well-known/oauth-protected-resource`;
  if (root !== prmUrl) {
    const rootOutcome = await getJson(root, ctx);
    const ok = rootOutcome.ok && rootOutcome.exchange.status === 200 && isObject(rootOutcome.exchange.json);
    checks.push(
      ok
        ? pass("oauth.root-metadata", `${root} answers too`)
        : warn(
            "oauth.root-metadata",
            "root-metadata-missing",
            `${root} ${rootOutcome.ok ? `answered ${rootOutcome.exchange.status}` : `failed: ${rootOutcome.error}`}`,
            "Some clients probe the root well-known URL first: serve the same metadata there.",
          ),
    );
  }

  if (!prm.issuer) {
    checks.push(skip("oauth.authorization-server", "not checked: it needs the protected-resource metadata"));
    return checks;
  }
  checks.push(...(await authorizationServer(prm.issuer, ctx)));
  return checks;
}

function protectedResource(
  target: Target,
  prmUrl: string,
  outcome: Outcome,
  declared: boolean,
): { check: Check; issuer?: string } {
  const id = "oauth.protected-resource";
  if (!outcome.ok) return { check: unreachable(id, prmUrl, outcome) };
  const ex = outcome.exchange;
  const refused = refusal(id, ex, FIX.forbiddenPublic);
  if (refused) return { check: refused };
  if (ex.status !== 200 || !isObject(ex.json)) {
    const seen =
      ex.status === 200 ? `200 with something that is not a JSON object: ${excerpt(ex.text)}` : `${ex.status}`;
    return { check: fail(id, "metadata-missing", `${prmUrl} answered ${seen}`, FIX.prm(target.resource)) };
  }
  const meta = ex.json;
  const servers = Array.isArray(meta.authorization_servers)
    ? meta.authorization_servers.filter((s): s is string => typeof s === "string" && s.length > 0)
    : [];
  const issuer = servers[0];
  const source = declared ? "" : " (found at the well-known URL; the 401 did not name it)";
  if (meta.resource !== target.resource) {
    return {
      issuer,
      check: fail(
        id,
        "resource-mismatch",
        `${prmUrl} says resource is ${JSON.stringify(meta.resource)}, but the MCP URL is "${target.resource}"`,
        FIX.resourceMismatch,
      ),
    };
  }
  if (!issuer) {
    return {
      check: fail(id, "no-authorization-servers", `${prmUrl} lists no authorization_servers`, FIX.prm(target.resource)),
    };
  }
  const plain = [prmUrl, ...servers].filter(insecure);
  if (plain.length > 0)
    return { issuer, check: fail(id, "insecure-url", `not https: ${plain.join(", ")}`, FIX.insecure) };
  return {
    issuer,
    check: pass(id, `resource "${meta.resource}", authorization server ${servers.join(", ")}${source}`),
  };
}

/** Where RFC 8414 and OpenID Connect discovery look for an issuer's metadata, in the MCP spec's order. */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, "");
  return path
    ? [
        `${url.origin}/.well-known/oauth-authorization-server${path}`,
        `${url.origin}/.well-known/openid-configuration${path}`,
        `${url.origin}${path}/.well-known/openid-configuration`,
      ]
    : [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
}

async function authorizationServer(issuer: string, ctx: Context): Promise<Check[]> {
  const id = "oauth.authorization-server";
  let urls: string[];
  try {
    urls = authorizationServerMetadataUrls(issuer);
  } catch {
    return [
      fail(
        id,
        "invalid-issuer",
        `the authorization server ${JSON.stringify(issuer)} is not a URL`,
        "List the issuer's URL in authorization_servers.",
      ),
    ];
  }
  const tried: string[] = [];
  let meta: Record<string, unknown> | undefined;
  let metaUrl = "";
  for (const url of urls) {
    const outcome = await getJson(url, ctx);
    if (outcome.ok) {
      const refused = refusal(id, outcome.exchange, FIX.forbiddenPublic);
      if (refused) return [refused];
      if (outcome.exchange.status === 200 && isObject(outcome.exchange.json)) {
        meta = outcome.exchange.json;
        metaUrl = url;
        break;
      }
    }
    tried.push(`${url} (${outcome.ok ? outcome.exchange.status : outcome.error})`);
  }
  if (!meta) {
    return [
      fail(
        id,
        "metadata-missing",
        `no metadata for issuer ${issuer}: tried ${tried.join(", ")}`,
        "Serve RFC 8414 metadata at /.well-known/oauth-authorization-server on the issuer (this template does when MCP_AUTH=oauth).",
      ),
    ];
  }

  const checks: Check[] = [];
  const endpoints = ["authorization_endpoint", "token_endpoint", "registration_endpoint"]
    .map((k) => meta[k])
    .filter((v): v is string => typeof v === "string");
  if (meta.issuer !== issuer) {
    checks.push(
      fail(
        id,
        "issuer-mismatch",
        `${metaUrl} says issuer is ${JSON.stringify(meta.issuer)}, not "${issuer}"`,
        "The metadata's issuer must be exactly the URL listed in authorization_servers (RFC 8414 §3.3).",
      ),
    );
  } else if (typeof meta.authorization_endpoint !== "string" || typeof meta.token_endpoint !== "string") {
    checks.push(
      fail(
        id,
        "metadata-incomplete",
        `${metaUrl} lacks authorization_endpoint or token_endpoint`,
        "Publish both endpoints in the metadata.",
      ),
    );
  } else if (endpoints.some(insecure)) {
    checks.push(fail(id, "insecure-url", `not https: ${endpoints.filter(insecure).join(", ")}`, FIX.insecure));
  } else {
    checks.push(pass(id, `${metaUrl}: issuer ${issuer}`));
  }

  const methods = Array.isArray(meta.code_challenge_methods_supported) ? meta.code_challenge_methods_supported : [];
  checks.push(
    methods.includes("S256")
      ? pass("oauth.pkce", `code_challenge_methods_supported: ${methods.join(", ")}`)
      : fail(
          "oauth.pkce",
          "no-s256",
          `code_challenge_methods_supported is ${JSON.stringify(meta.code_challenge_methods_supported ?? null)}`,
          'Advertise "S256" in code_challenge_methods_supported: MCP clients refuse an authorization server that does not.',
        ),
  );
  checks.push(
    meta.client_id_metadata_document_supported === true
      ? pass("oauth.cimd", "client_id_metadata_document_supported: true")
      : fail(
          "oauth.cimd",
          "no-cimd",
          `client_id_metadata_document_supported is ${JSON.stringify(meta.client_id_metadata_document_supported ?? null)}`,
          "Smithery registers through a Client ID Metadata Document (its client_id is an https URL): enable CIMD and advertise client_id_metadata_document_supported: true.",
        ),
  );
  checks.push(
    typeof meta.registration_endpoint === "string"
      ? pass("oauth.registration", `registration_endpoint: ${meta.registration_endpoint}`)
      : warn(
          "oauth.registration",
          "no-registration",
          "no registration_endpoint",
          "Smithery does not need it, but clients without CIMD support (older SDKs, some IDEs) register by RFC 7591: offer it.",
        ),
  );
  return checks;
}
