#!/usr/bin/env node
// Serves the local MCP Apps host page (scripts/app-host/) and forwards its /mcp requests to a
// running Worker, so the page, like a real host's backend, talks to one origin.
//
//   npx wrangler dev --var MCP_AUTH:none     # the Worker, on http://localhost:8787
//   npm run app:host                         # this page, on http://localhost:8788
//   npm run app:host -- --worker http://localhost:8787 --port 8788
//
// Then open the printed URL: it calls the first tool with a view (an app) and shows it. Add
// ?tool=NAME&args={...} for another tool. Loopback only; the Worker needs MCP_AUTH=none (the page
// has no OAuth client).
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { inlinePage } from "./lib/bundle.mjs";

const page = join(dirname(fileURLToPath(import.meta.url)), "app-host", "host.html");
const forwarded = ["content-type", "accept", "authorization", "last-event-id"];

/** Starts the host page server on 127.0.0.1:port; resolves once it listens. */
export async function startHost({ port = 8788, worker = "http://localhost:8787" } = {}) {
  const html = await inlinePage(page);
  const mcp = new URL("/mcp", worker);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/" && req.method === "GET") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        res.end(html);
        return;
      }
      if (url.pathname !== "/mcp") {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string" && (forwarded.includes(name) || name.startsWith("mcp-")))
          headers.set(name, value);
      }
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const answer = await fetch(mcp, {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      // fetch has decoded the body: its length and encoding headers no longer apply.
      const out = Object.fromEntries(answer.headers);
      delete out["content-encoding"];
      delete out["content-length"];
      res.writeHead(answer.status, out);
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      res.writeHead(502, { "content-type": "text/plain" }).end(`host: ${error.message}`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8788" },
      worker: { type: "string", default: "http://localhost:8787" },
    },
  });
  const { url } = await startHost({ port: Number(values.port), worker: values.worker });
  console.log(`MCP App host: ${url}  (forwarding /mcp to ${values.worker})`);
}
