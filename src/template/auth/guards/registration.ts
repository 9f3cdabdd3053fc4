import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../json-depth.js";
import { redirectUriProblem } from "./redirect-uri.js";
import { readBounded, refuse } from "./token-request.js";

export const MAX_REGISTRATION_BYTES = 16 * 1024;
const MAX_NAME = 200;
const MAX_REDIRECT_URIS = 5;
const MAX_URI = 2048;
const MAX_STRING = 2048;
const MAX_LIST = 10;

export type Registration = { ok: true; body: string } | { ok: false; response: Response };

/**
 * RFC 7591 registration metadata, bounded before anything is stored: at most 16 KiB of JSON
 * nested at most MAX_JSON_DEPTH levels (checked before it is parsed), `client_name` (and its
 * language variants) at most 200 characters, at most 5 redirect URIs, every other string at most
 * 2048 characters and every list at most 10 entries, and every redirect URI one this server would
 * send a sign-in to (./redirect-uri.ts). The provider validates the rest (grant types, auth
 * methods) after this.
 */
export async function readRegistration(request: Request): Promise<Registration> {
  const text = await readBounded(request, MAX_REGISTRATION_BYTES);
  if (text === undefined) {
    return refuse(413, "invalid_client_metadata", `The registration must be at most ${MAX_REGISTRATION_BYTES} bytes`);
  }
  if (text === null) return refuse(400, "invalid_request", "The body could not be read");
  if (nestsDeeperThan(text)) {
    return refuse(400, "invalid_client_metadata", `The registration nests more than ${MAX_JSON_DEPTH} levels deep`);
  }
  let metadata: unknown;
  try {
    metadata = JSON.parse(text);
  } catch {
    return refuse(400, "invalid_client_metadata", "The registration is not valid JSON");
  }
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    return refuse(400, "invalid_client_metadata", "The registration must be a JSON object");
  }
  for (const [name, value] of Object.entries(metadata)) {
    const problem = fieldProblem(name, value);
    if (problem) {
      return refuse(400, name === "redirect_uris" ? "invalid_redirect_uri" : "invalid_client_metadata", problem);
    }
  }
  return { ok: true, body: text };
}

function fieldProblem(field: string, value: unknown): string | undefined {
  const name = field.length > 64 ? `${field.slice(0, 64)}…` : field;
  if (name === "client_name" || name.startsWith("client_name#")) {
    return typeof value === "string" && [...value].length > MAX_NAME
      ? `${name.split("#")[0]} must be at most ${MAX_NAME} characters`
      : undefined;
  }
  if (name === "redirect_uris") {
    if (!Array.isArray(value)) return undefined; // the provider says what is wrong with it
    if (value.length > MAX_REDIRECT_URIS) return `at most ${MAX_REDIRECT_URIS} redirect_uris`;
    if (value.some((uri) => typeof uri === "string" && uri.length > MAX_URI)) {
      return `each redirect URI must be at most ${MAX_URI} characters`;
    }
    // Every URI, not just one: the provider would store the others, and a request could use them.
    for (const uri of value) {
      const problem = typeof uri === "string" ? redirectUriProblem(uri) : undefined;
      if (problem) return `The redirect URI ${JSON.stringify(uri.slice(0, 200))} ${problem}`;
    }
    return undefined;
  }
  if (typeof value === "string") return value.length > MAX_STRING ? `${name} is too long` : undefined;
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST) return `${name} has too many entries`;
    return value.some((v) => typeof v === "string" && v.length > MAX_STRING)
      ? `${name} has an entry that is too long`
      : undefined;
  }
  return undefined;
}
