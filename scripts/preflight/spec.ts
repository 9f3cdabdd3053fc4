import { LATEST_PROTOCOL_VERSION, type StandardSchemaV1Sync, specTypeSchemas } from "@modelcontextprotocol/client";

export type { Tool } from "@modelcontextprotocol/client";
/**
 * The MCP specification's shapes, as the SDK declares them (Standard Schema validators): the one
 * place the preflight names the SDK package, so a move to another SDK line changes this file alone.
 * LATEST_PROTOCOL_VERSION is the newest 2025-era revision: the preflight connects as Smithery's
 * scanner does, with a 2025 initialize.
 */
export { LATEST_PROTOCOL_VERSION };

export interface Issue {
  message: string;
  path: PropertyKey[];
}
export type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: Issue[] } };
export interface Parser<T> {
  safeParse(value: unknown): Parsed<T>;
}

function parser<T>(schema: StandardSchemaV1Sync<unknown, T>): Parser<T> {
  return {
    safeParse(value) {
      const result = schema["~standard"].validate(value);
      if (!result.issues) return { success: true, data: result.value };
      const issues = result.issues.map((i) => ({
        message: i.message,
        path: (i.path ?? []).map((p) => (typeof p === "object" ? p.key : p)),
      }));
      return { success: false, error: { issues } };
    },
  };
}

export const ImplementationSchema = parser(specTypeSchemas.Implementation);
export const InitializeResultSchema = parser(specTypeSchemas.InitializeResult);
export const ListToolsResultSchema = parser(specTypeSchemas.ListToolsResult);
export const PromptSchema = parser(specTypeSchemas.Prompt);
export const ResourceSchema = parser(specTypeSchemas.Resource);
export const ResourceTemplateSchema = parser(specTypeSchemas.ResourceTemplate);
export const ToolSchema = parser(specTypeSchemas.Tool);
