// Heap after startup and garbage collection per request of one variant of a scenario, in-process:
// the app and a sequential keep-alive client in this process, GC events counted by kind with a
// PerformanceObserver (run with --expose-gc for the heap figure after a full collection).
//   node --expose-gc bench/gc-per-request.mjs --scenario preflight-ids-1000 --variant module [--requests 20000] [--library DIR]
import { Agent, request as httpRequest } from 'node:http';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { createBenchApp } from './support/app-factory.mjs';
import { scenarioById } from './support/scenarios.mjs';
import { parseArgs } from './support/harness.mjs';

const args = parseArgs(process.argv.slice(2), {
  scenario: 'preflight-ids-1000',
  variant: 'module',
  requests: 20000,
  library: '',
});
const scenario = scenarioById(args.scenario);
const app = await createBenchApp({
  adapter: 'express',
  variant: args.variant,
  scenario,
  library: args.library || undefined,
});
await app.listen(0, '127.0.0.1');
const port = app.getHttpServer().address().port;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let sent = 0;
async function send(count) {
  for (let i = 0; i < count; i++) {
    const r = scenario.requests[i % scenario.requests.length];
    const path = r.idPrefix === undefined ? r.path : `${r.idPrefix}u${(sent++).toString(36)}`;
    await new Promise((resolve, reject) => {
      const q = httpRequest(
        { host: '127.0.0.1', port, method: r.method, path, headers: r.headers, agent },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      q.on('error', reject);
      q.end();
    });
  }
}
await send(3000);
globalThis.gc?.();
const heap = process.memoryUsage().heapUsed;
const kinds = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const counts = {};
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = kinds[entry.detail?.kind ?? entry.kind] ?? 'other';
    counts[kind] ??= { n: 0, ms: 0 };
    counts[kind].n++;
    counts[kind].ms += entry.duration;
  }
});
observer.observe({ entryTypes: ['gc'] });
const cpu = process.cpuUsage();
await send(args.requests);
const used = process.cpuUsage(cpu);
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();
const per = (ms) => ((ms * 1000) / args.requests).toFixed(2);
console.log(
  `${args.variant} ${args.scenario}: heap after startup ${(heap / 1e6).toFixed(1)} MB; per request: ` +
    Object.entries(counts)
      .map(([k, { n, ms }]) => `${k} ${n} GCs ${per(ms)} µs`)
      .join(', ') +
    `; process CPU (client incl.) ${((used.user + used.system) / args.requests).toFixed(0)} µs`,
);
agent.destroy();
await app.close();
