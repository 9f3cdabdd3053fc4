import { defineResource } from "../../template/api.js";
import { serverInfo } from "../info.js";

/** A fixed resource: a document at a URI that never changes. */
export default defineResource({
  name: "server_info",
  uri: "info://server",
  title: "About this server",
  description: "Name, version and description of this server, as JSON.",
  mimeType: "application/json",
  // Changes only when the Worker is deployed again, and is the same for every caller.
  cache: { ttlMs: 5 * 60_000 },
  read(uri) {
    const body = {
      name: serverInfo.name,
      title: serverInfo.title,
      version: serverInfo.version,
      description: serverInfo.description,
    };
    return {
      contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(body, null, 2) }],
    };
  },
});
