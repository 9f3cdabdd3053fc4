import { type Check, type Context, fail, type PreflightReport, pass, skip, type Target, warn } from "./check.ts";
import { issues, refusal, unreachable } from "./diagnose.ts";
import { FIX } from "./fixes.ts";
import { excerpt, getJson, isObject } from "./http.ts";
import {
  ImplementationSchema,
  type Parser,
  PromptSchema,
  ResourceSchema,
  ResourceTemplateSchema,
  ToolSchema,
} from "./spec.ts";

/** The server card: public, JSON, the MCP shapes, and in agreement with /mcp. */

const LIST_SCHEMAS = {
  resources: ResourceSchema,
  resourceTemplates: ResourceTemplateSchema,
  prompts: PromptSchema,
} as const;

export async function cardChecks(
  target: Target,
  ctx: Context,
  auth: PreflightReport["auth"],
  liveTools: string[] | undefined,
): Promise<Check[]> {
  const outcome = await getJson(target.cardUrl, ctx);
  if (!outcome.ok) return [unreachable("card.reachable", target.cardUrl, outcome)];
  const ex = outcome.exchange;
  const refused = refusal("card.reachable", ex, FIX.forbiddenPublic);
  if (refused) return [refused];
  if (ex.status === 401) {
    return [
      fail(
        "card.reachable",
        "card-needs-auth",
        `${target.cardUrl} answered 401: the card asks for a token`,
        FIX.cardPublic,
      ),
    ];
  }
  if (ex.status === 404)
    return [fail("card.reachable", "card-missing", `${target.cardUrl} answered 404`, FIX.cardMissing)];
  if (ex.status !== 200) {
    return [
      fail(
        "card.reachable",
        "card-http-error",
        `${target.cardUrl} answered ${ex.status}: ${excerpt(ex.text)}`,
        FIX.cardMissing,
      ),
    ];
  }
  const checks: Check[] = [pass("card.reachable", `200 at ${target.cardUrl}, without a token`)];

  const type = ex.headers.get("Content-Type") ?? "";
  if (!isObject(ex.json)) {
    checks.push(
      fail(
        "card.json",
        "card-invalid-json",
        `the card is not a JSON object (${type || "no Content-Type"}): ${excerpt(ex.text) || "(empty)"}`,
        FIX.cardFormat,
      ),
    );
    return checks;
  }
  checks.push(
    /\bjson\b/i.test(type)
      ? pass("card.json", `a JSON object (${type})`)
      : warn(
          "card.json",
          "card-content-type",
          `valid JSON, but served as ${type || "no Content-Type"}`,
          "Serve the card as application/json.",
        ),
  );
  const card = ex.json;

  const info = ImplementationSchema.safeParse(card.serverInfo);
  checks.push(
    info.success
      ? pass("card.server-info", `${info.data.name} ${info.data.version}`)
      : fail(
          "card.server-info",
          card.serverInfo === undefined ? "card-no-server-info" : "card-invalid-server-info",
          card.serverInfo === undefined
            ? "the card has no serverInfo, the one field Smithery requires"
            : `serverInfo is not valid: ${issues(info.error)}`,
          `Give the card "serverInfo": {"name": …, "version": …}. ${FIX.cardFormat}`,
        ),
  );

  checks.push(cardTools(card.tools, auth, liveTools));
  checks.push(cardLists(card));
  checks.push(cardAuth(card.authentication, auth));

  const cors = await getJson(target.cardUrl, ctx, { Origin: "https://smithery.ai" });
  const allowed = cors.ok ? cors.exchange.headers.get("Access-Control-Allow-Origin") : null;
  checks.push(
    allowed === "*" || allowed === "https://smithery.ai"
      ? pass("card.cors", `Access-Control-Allow-Origin: ${allowed}`)
      : warn(
          "card.cors",
          "card-no-cors",
          `no Access-Control-Allow-Origin for https://smithery.ai (${allowed ?? "none"})`,
          "Send Access-Control-Allow-Origin: * with the card, so that browser-based clients and registries can read it.",
        ),
  );
  return checks;
}

function cardTools(tools: unknown, auth: PreflightReport["auth"], liveTools: string[] | undefined): Check {
  const id = "card.tools";
  if (tools === undefined) {
    return auth === "oauth"
      ? warn(
          id,
          "card-no-tools",
          "the card lists no tools",
          "Behind sign-in, the card is how Smithery shows your tools before anyone authorizes the scan: list them.",
        )
      : skip(id, "the card lists no tools (the scan reads them from tools/list)");
  }
  if (!Array.isArray(tools)) return fail(id, "card-invalid-tools", "tools is not an array", FIX.cardFormat);
  const problems: string[] = [];
  tools.forEach((tool, i) => {
    const parsed = ToolSchema.safeParse(tool);
    if (!parsed.success) {
      const name = isObject(tool) && typeof tool.name === "string" ? tool.name : `#${i}`;
      problems.push(`tool ${name}: ${issues(parsed.error)}`);
    }
  });
  if (problems.length > 0) {
    return fail(
      id,
      "card-invalid-tools",
      problems.join("; "),
      `Each tool needs a name and an inputSchema of type "object" (the MCP Tool shape). ${FIX.cardFormat}`,
    );
  }
  const names = tools.map((t) => (t as { name: string }).name);
  if (liveTools) {
    const missing = liveTools.filter((n) => !names.includes(n));
    const extra = names.filter((n) => !liveTools.includes(n));
    if (missing.length || extra.length) {
      return warn(
        id,
        "card-stale",
        `the card and tools/list differ${missing.length ? `; not on the card: ${missing.join(", ")}` : ""}${extra.length ? `; not served: ${extra.join(", ")}` : ""}`,
        "Regenerate or update the card so that it matches the server.",
      );
    }
  }
  return pass(id, `${names.length} tool${names.length === 1 ? "" : "s"}, each a valid MCP Tool`);
}

function cardLists(card: Record<string, unknown>): Check {
  const id = "card.lists";
  const problems: string[] = [];
  const present: string[] = [];
  for (const [key, schema] of Object.entries(LIST_SCHEMAS)) {
    const list = card[key];
    if (list === undefined) continue;
    present.push(`${key}: ${Array.isArray(list) ? list.length : "?"}`);
    if (!Array.isArray(list)) {
      problems.push(`${key} is not an array`);
      continue;
    }
    list.forEach((item, i) => {
      const parsed = (schema as Parser<unknown>).safeParse(item);
      if (!parsed.success) problems.push(`${key} #${i}: ${issues(parsed.error)}`);
    });
  }
  if (problems.length > 0) return fail(id, "card-invalid-lists", problems.join("; "), FIX.cardFormat);
  return present.length ? pass(id, present.join(", ")) : skip(id, "the card lists no resources or prompts");
}

function cardAuth(authentication: unknown, auth: PreflightReport["auth"]): Check {
  const id = "card.auth";
  const required = isObject(authentication) ? authentication.required : undefined;
  if (auth === "unknown") return skip(id, "not checked: /mcp gave no answer that says whether it needs a token");
  if (auth === "oauth" && required !== true) {
    return fail(
      id,
      "card-auth-mismatch",
      `/mcp answered 401, but the card says authentication.required is ${JSON.stringify(required ?? null)}`,
      'Say "authentication": {"required": true, "schemes": ["oauth2"]} on the card, so Smithery knows users must sign in.',
    );
  }
  if (auth === "none" && required === true) {
    return fail(
      id,
      "card-auth-mismatch",
      "/mcp answered without a token, but the card says authentication.required is true",
      'Say "authentication": {"required": false} on the card, or turn authentication on.',
    );
  }
  return pass(
    id,
    `authentication.required is ${JSON.stringify(required ?? null)}, and /mcp ${auth === "oauth" ? "asks for a token" : "needs none"}`,
  );
}
