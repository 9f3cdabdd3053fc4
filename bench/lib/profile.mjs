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
      results.push({ id: spec.id, label: spec.label, file, hot: selfTime(profile) });
    } finally {
      inspector.close();
    }
  }
  return results;
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
    send(method, params = {}) {
      const id = ++next;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    close: () => ws.close(),
  };
}
