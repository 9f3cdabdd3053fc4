import { sessionSchema } from "../../src/server/session.ts";
import { sessionJsonSchema } from "../../src/template/session/schema.ts";
import { smitheryLimitProblems } from "../../src/template/session/smithery-limits.ts";

/**
 * Smithery's CLI on npm. (Its command is `smithery`, but `npx smithery` would fetch an unrelated
 * older package named "smithery"; the scoped name, pinned to the major version whose
 * `mcp publish <url> --config-schema` these scripts were written against, is unambiguous.)
 */
export const SMITHERY_CLI = "@smithery/cli@4";

/** The session schema (src/server/session.ts) as Smithery takes it, or exit naming what breaks its limits. */
export function configSchemaOrExit(): Record<string, unknown> {
  const schema = sessionJsonSchema(sessionSchema);
  const problems = smitheryLimitProblems(schema);
  if (problems.length > 0) {
    console.error(
      `The session schema (src/server/session.ts) breaks Smithery's limits:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    process.exit(1);
  }
  return schema;
}

/** One argument as a POSIX shell reads it back unchanged. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
