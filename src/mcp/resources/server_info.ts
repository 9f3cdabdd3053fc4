import { defineResource } from "../define.js";
import { serverInfo } from "../info.js";
// tools.gen.ts, not registry.gen.ts: the registry imports this file, and importing it back would
// leave this resource out of the registry whenever this file happens to load first.
import { tools } from "../tools.gen.js";

/** A fixed resource: a document at a URI that never changes. */
export default defineResource({
  name: "server_info",
  uri: "info://server",
  title: "About this server",
  description: "Name, version and the tools this server offers, as JSON.",
  mimeType: "application/json",
  // Changes only when the Worker is deployed again, and is the same for every caller.
  cache: { ttlMs: 5 * 60_000 },
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
