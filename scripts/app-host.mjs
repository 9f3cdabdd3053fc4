#!/usr/bin/env node
// Serves the local MCP Apps host page (scripts/app-host/) and forwards its /mcp requests to a
// running Worker, so the page, like a real host's backend, talks to one origin.
//
//   npx wrangler dev --var MCP_AUTH:none     # the Worker, on http://localhost:8787
//   npm run app:host                         # this page, on http://localhost:8789 (printed)
//   npm run app:host -- --worker http://localhost:8788 --port 9000
//
// Its own port, 8789, beside the Worker's 8787 and the open copy's 8788; when 8789 is taken (and
// no --port was given) any free one, and it prints which. Then open the printed URL: it calls the
// first tool with a view (an app), with arguments made from the tool's input schema, and shows it.
// Add ?tool=NAME&args={...} for another call. Loopback only; the Worker needs MCP_AUTH=none (the
// page has no OAuth client): at start it checks, and says what to run when it is not.
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { inlinePage } from "./lib/bundle.mjs";

const page = join(dirname(fileURLToPath(import.meta.url)), "app-host", "host.html");
const forwarded = ["content-type", "accept", "authorization", "last-event-id"];

export const DEFAULT_PORT = 8789;

/** Starts the host page server on 127.0.0.1:port (0: any free one); resolves once it listens. */
export async function startHost({ port = DEFAULT_PORT, worker = "http://localhost:8787" } = {}) {
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

/** What is wrong with the Worker for this page, with what to run instead; undefined when nothing. */
export async function checkWorker(worker) {
  const open = "npx wrangler dev --var MCP_AUTH:none --port 8788";
  let response;
  try {
    response = await fetch(new URL("/mcp", worker), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      signal: AbortSignal.timeout(5000),
    });
    await response.arrayBuffer();
  } catch {
    return `nothing answers at ${worker} yet. Start the Worker without OAuth (\`${open}\`) and pass --worker http://localhost:8788, or start it on ${worker}.`;
  }
  if (response.status === 401) {
    return `${worker} asks for OAuth, which this page cannot do. Run an open copy beside it (\`${open}\`) and pass --worker http://localhost:8788.`;
  }
  return undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      worker: { type: "string", default: "http://localhost:8787" },
    },
  });
  let host;
  try {
    host = await startHost({ port: Number(values.port ?? DEFAULT_PORT), worker: values.worker });
  } catch (error) {
    if (error.code !== "EADDRINUSE" || values.port !== undefined) throw error;
    console.log(`Port ${DEFAULT_PORT} is taken: using a free one.`);
    host = await startHost({ port: 0, worker: values.worker });
  }
  console.log(`MCP App host: ${host.url}  (port ${new URL(host.url).port}; forwarding /mcp to ${values.worker})`);
  const problem = await checkWorker(values.worker);
  if (problem) console.log(`Note: ${problem}`);
}
