/**
 * The clients in test/fixtures/clients/ (their README describes the shape): what each real MCP
 * client sends, loaded for the compatibility matrix (test/clients-matrix.test.ts).
 */
import { base64url, sha256 } from "../../src/template/encoding.js";
import smithery from "../fixtures/smithery-connect-cimd.json";

export interface ClientFixture {
  id: string;
  client: string;
  surface: string;
  landing: string | null;
  registration:
    | { kind: "dcr"; request: Record<string, unknown> }
    | { kind: "cimd"; document?: Record<string, unknown>; documentFile?: string };
  authorization: {
    redirectUri: string;
    scope: string;
    resource: boolean;
    pkce: "S256";
    state: boolean;
  };
  token: {
    authMethod: "none" | "client_secret_post" | "client_secret_basic" | "private_key_jwt";
    exchange: { redirectUri: boolean; resource: boolean };
    refresh: { resource: boolean; scope: boolean } | false;
  };
  mcp: { protocolVersion: string; capabilities: Record<string, unknown>; dropsSessionId: boolean };
  recovery: { forgottenClient: string; deadRefreshToken: string; manualReset: string | null };
  status: "works" | "incompatible";
  notes?: string;
  sources: { url?: string; repo?: string; path?: string; commit?: string; facts: string }[];
  inferred: string[];
}

const files = import.meta.glob<ClientFixture>("../fixtures/clients/*.json", { eager: true, import: "default" });
const documents: Record<string, Record<string, unknown>> = { "../smithery-connect-cimd.json": smithery };

/** Every client in the matrix, in file-name order. */
export const CLIENTS: readonly ClientFixture[] = Object.keys(files)
  .sort()
  .map((path) => files[path]!);

/** A CIMD client's document, from the fixture or the file it names. */
export function documentOf(fixture: ClientFixture): Record<string, unknown> {
  if (fixture.registration.kind !== "cimd") throw new Error(`${fixture.id} registers; it has no document`);
  const { document, documentFile } = fixture.registration;
  const found = document ?? (documentFile ? documents[documentFile] : undefined);
  if (!found) throw new Error(`${fixture.id}: no document (documentFile ${documentFile} is not loaded here)`);
  return found;
}

export interface Placeholders {
  port: number;
  challengeScope: string;
  serverScopes: string;
  server: string;
  callbackId: string;
  state: string;
}

/** Fills a fixture's placeholders ({port}, {challengeScope}, …) in strings, arrays and objects. */
export function fill<T>(value: T, p: Placeholders): T {
  if (typeof value === "string") {
    return value.replace(
      /\{(port|challengeScope|serverScopes|server|callbackId|state)\}/g,
      (_, name: keyof Placeholders) => String(p[name]),
    ) as T;
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, p)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, p)])) as T;
  }
  return value;
}

/** Codex's callback id: base64url of the first 9 bytes of SHA-256 of the server URL. */
export async function codexCallbackId(serverUrl: string): Promise<string> {
  return base64url((await sha256(serverUrl)).subarray(0, 9));
}
