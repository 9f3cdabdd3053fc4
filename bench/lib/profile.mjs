// `--profile`: a V8 CPU profile of the Worker's isolate while it serves each scenario, through
// workerd's inspector (Chrome DevTools protocol), written as .cpuprofile files for DevTools or
// VS Code, with a summary of where the time goes.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { load } from "./load.mjs";

/** `scenarios`: { id, label, server, request: { path, headers, body }, check } each. */
export async function profileLoad({ served, out, durationMs, connections, scenarios }) {
  const results = [];
  for (const spec of scenarios) {
    try {
      results.push(await profileOne({ served, out, durationMs, connections, spec }));
    } catch (error) {
      // One lost profile does not cost the run its figures.
      results.push({ id: spec.id, label: spec.label, error: error.message, hot: [] });
    }
  }
  return results;
}

async function profileOne({ served, out, durationMs, connections, spec }) {
  const inspector = await connect(served.inspectorUrl(spec.server));
  try {
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
    await inspector.send("Profiler.start");
    await load({
      url: served.urls[spec.server],
      request: spec.request,
      check: spec.check,
      connections,
      durationMs,
    });
    const { profile } = await inspector.send("Profiler.stop");
    const file = join(out, `load-${spec.id}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    return { id: spec.id, label: spec.label, file, hot: selfTime(profile) };
  } finally {
    inspector.close();
  }
}

/** Self time per function, as a share of the time the isolate was busy. */
function selfTime(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let busy = 0;
  profile.timeDeltas.forEach((delta, i) => {
    const frame = nodes.get(profile.samples[i])?.callFrame;
    if (!frame || frame.functionName === "(idle)") return;
    busy += delta;
    const where = frame.url ? ` ${frame.url.split("/").pop()}:${frame.lineNumber + 1}` : "";
    const key = `${frame.functionName || "(anonymous)"}${where}`;
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  return [...self]
    .map(([fn, us]) => ({ fn, percent: (100 * us) / busy }))
    .sort((a, b) => b.percent - a.percent)
    .slice(0, 25);
}

export async function connect(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(`the inspector at ${url} did not open within 10 s`)), 10_000).unref();
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error(`cannot reach the inspector at ${url}`)), { once: true });
  });
  let next = 0;
  const pending = new Map();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${message.error.message}`));
    else waiter.resolve(message.result);
  });
  return {
    /** One DevTools command; gives up after `timeoutMs` (an inspector can drop a reply). */
    send(method, params = {}, timeoutMs = 30_000) {
      const id = ++next;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the inspector did not answer ${method} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const settle = (fn) => (value) => {
          clearTimeout(timer);
          fn(value);
        };
        pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      });
    },
    close: () => ws.close(),
  };
}
