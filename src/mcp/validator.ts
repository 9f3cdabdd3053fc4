import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";

/**
 * JSON Schema validation for the SDK's servers and clients. Its default (Ajv) compiles schemas
 * with `new Function`, which Workers forbid. One instance per isolate: it caches validators.
 */
export const jsonSchemaValidator = new CfWorkerJsonSchemaValidator();
