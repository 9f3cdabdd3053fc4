import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";

/**
 * The 1.x SDK (`@modelcontextprotocol/sdk`), kept as a dev dependency for one reason: it is a real
 * 2025-era client, the kind Smithery's scanner, the Inspector and most deployed clients still are.
 * Its default validator (Ajv) compiles code at run time, which workerd forbids: tests pass this one.
 */
export const legacyValidator = new CfWorkerJsonSchemaValidator();

export { Client as LegacyClient, StreamableHTTPClientTransport as LegacyHttpTransport };
