// A small closed-loop load generator: `connections` keep-alive connections, one request in flight
// on each, for `durationMs` (and at most `maxRequests`). Every answer is read to the end and
// checked, so a fast wrong answer cannot pass for a fast right one.
import { Pool } from "undici";

/**
 * @param url origin of the Worker
 * @param request { path, headers, body } sent as a POST every time
 * @param check (status, text) => true when the answer is the expected one
 */
export async function load({ url, request, check, connections, durationMs, maxRequests = 1_000_000, cpuMs }) {
  // A request that takes longer than 10 s counts as an error instead of stalling the bench.
  const pool = new Pool(url, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const latencies = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  const firstProblems = [];
  const note = (problem) => firstProblems.length < 3 && firstProblems.push(problem);

  const serverCpuBefore = await cpuMs?.();
  const clientCpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + durationMs;

  async function loop() {
    while (performance.now() < end && sent < maxRequests) {
      sent++;
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: "POST", ...request });
        const text = await res.body.text();
        latencies.push(performance.now() - t0);
        if (res.statusCode < 200 || res.statusCode > 299) {
          non2xx++;
          note(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
        } else if (!check(text)) {
          errors++;
          note(`unexpected answer: ${text.slice(0, 200)}`);
        } else {
          ok++;
        }
      } catch (error) {
        errors++;
        note(String(error?.message ?? error));
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = performance.now() - start;
  const serverCpuAfter = await cpuMs?.();
  const clientCpu = process.cpuUsage(clientCpuBefore);
  await pool.close();

  latencies.sort((a, b) => a - b);
  const completed = latencies.length;
  const serverCpu =
    serverCpuBefore !== undefined && serverCpuAfter !== undefined ? serverCpuAfter - serverCpuBefore : undefined;
  return {
    requests: sent,
    ok,
    non2xx,
    errors,
    rps: (completed / elapsed) * 1000,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    elapsedMs: elapsed,
    // CPU per request: workerd's (all of the process) and the load generator's, in microseconds.
    serverCpuUsPerReq: serverCpu !== undefined && completed ? (serverCpu * 1000) / completed : undefined,
    clientCpuUsPerReq: completed ? (clientCpu.user + clientCpu.system) / completed : undefined,
    firstProblems,
  };
}

function percentile(sorted, q) {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
