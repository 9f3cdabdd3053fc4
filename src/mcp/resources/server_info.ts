import { defineResource } from "../define.js";
import { serverInfo } from "../info.js";
import { tools } from "../registry.gen.js";

/** A fixed resource: a document at a URI that never changes. */
export default defineResource({
  name: "server_info",
  uri: "info://server",
  title: "About this server",
  description: "Name, version and the tools this server offers, as JSON.",
  mimeType: "application/json",
  read(uri) {
    const body = {
      name: serverInfo.name,
      title: serverInfo.title,
      version: serverInfo.version,
      description: serverInfo.description,
      tools: tools.map((t) => t.name),
    };
    return {
      contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(body, null, 2) }],
    };
  },
});
