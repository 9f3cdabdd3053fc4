// The floors' one tool (bench/floors/temperature.js, copied to the peer's folder by
// bench/lib/peers.mjs) as an xmcp tool file: xmcp takes the schemas as Zod shapes.
import * as tool from "../../temperature.js";

export const schema = tool.config.inputSchema.shape;
export const outputSchema = tool.config.outputSchema.shape;
export const metadata = {
  name: tool.name,
  title: tool.config.title,
  description: tool.config.description,
  annotations: tool.config.annotations,
};

export default tool.handler;
