// Memory check: resident set size and heap of an app process before and after 1,000,000 requests to
// distinct URLs from distinct origins, on Express and Fastify. Every request is new to the server:
// a route with a path parameter (actual requests and preflights) and unknown paths, each with its
// own origin, allowed (https://tN.example.com, under a wildcard) or not (https://xN.evil.test).
// Memory is read in the app process after a full GC (it runs with --expose-gc), after a warm-up,
// and at every quarter of the stream. Runs the built dist/ (npm run build first).
//
//   node bench/memory.mjs [--quick] [--requests N] [--variants none,module] [--adapter express]
//                         [--json FILE]
//
// Exit code 1 when an app fails to start, or a request errors or gets an unexpected status.
import { writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { markdownTable, parseArgs, startApp } from './support/harness.mjs';
import { ADAPTERS } from './support/scenarios.mjs';

const args = parseArgs(process.argv.slice(2), {
  quick: false,
  requests: 0,
  variants: 'none,module',
  adapter: '',
  json: '',
});
const TOTAL = args.requests || (args.quick ? 20_000 : 1_000_000);
const WARMUP = args.quick ? 5_000 : 50_000;
const CHECKPOINTS = 4;
const adapters = args.adapter ? args.adapter.split(',') : ADAPTERS;
const variants = args.variants.split(',');

/** Statuses each kind of request may get: CORS variants answer preflights, `none` 404s them. */
const EXPECTED_STATUSES = {
  none: new Set([200, 404]),
  enableCors: new Set([200, 204, 404]),
  module: new Set([200, 204, 404]),
  decorator: new Set([200, 204, 404]),
};

/**
 * Autocannon options for `amount` requests numbered from `first`: each request is built on the fly
 * from a counter shared by all connections, so that no path and no origin is sent twice.
 */
function distinctRequests(url, first, amount) {
  let n = first;
  return {
    url,
    connections: 10,
    sampleInt: 10,
    amount,
    requests: [
      {
        setupRequest(request) {
          const i = n++;
          switch (i % 4) {
            case 0: // actual request to the parameter route, allowed origin
              request.method = 'GET';
              request.path = `/items/${i}`;
              request.headers = { origin: `https://t${i}.example.com` };
              break;
            case 1: // actual request to an unknown path, disallowed origin
              request.method = 'GET';
              request.path = `/unknown/${i}/x`;
              request.headers = { origin: `https://x${i}.evil.test` };
              break;
            case 2: // preflight for the parameter route, allowed origin
              request.method = 'OPTIONS';
              request.path = `/items/${i}`;
              request.headers = {
                origin: `https://t${i}.example.com`,
                'access-control-request-method': 'PUT',
                'access-control-request-headers': 'content-type',
              };
              break;
            default: // preflight for an unknown path, disallowed origin
              request.method = 'OPTIONS';
              request.path = `/unknown-${i}?q=${i}`;
              request.headers = {
                origin: `https://x${i}.evil.test`,
                'access-control-request-method': 'DELETE',
              };
          }
          return request;
        },
      },
    ],
  };
}

const failures = [];

async function drive(app, variant, first, amount) {
  const result = await autocannon(distinctRequests(app.url, first, amount));
  const statuses = Object.keys(result.statusCodeStats ?? {}).map(Number);
  const unexpected = statuses.filter((status) => !EXPECTED_STATUSES[variant].has(status));
  const completed = Object.values(result.statusCodeStats ?? {}).reduce(
    (sum, { count }) => sum + Number(count),
    0,
  );
  if (result.errors > 0 || result.timeouts > 0 || unexpected.length > 0 || completed < amount) {
    const message =
      `${app.name}: ${completed}/${amount} responses, ${result.errors} errors, ${result.timeouts} ` +
      `timeouts, statuses ${JSON.stringify(result.statusCodeStats)}`;
    failures.push(message);
    console.error(`FAIL ${message}`);
  }
  return result;
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

async function check(adapter, variant) {
  const app = await startApp({
    adapter,
    variant,
    scenario: 'memory',
    execArgv: ['--expose-gc'],
  });
  try {
    const started = await app.memory();
    let sent = 0;
    await drive(app, variant, 0, WARMUP);
    sent += WARMUP;
    const before = await app.memory();
    const trace = [];
    const chunk = Math.ceil(TOTAL / CHECKPOINTS);
    const began = Date.now();
    for (let done = 0; done < TOTAL; done += chunk) {
      const amount = Math.min(chunk, TOTAL - done);
      await drive(app, variant, sent, amount);
      sent += amount;
      trace.push(await app.memory());
    }
    const seconds = (Date.now() - began) / 1000;
    const after = trace[trace.length - 1];
    const row = { adapter, variant, started, before, trace, after, seconds };
    console.log(
      `memory: ${adapter.padEnd(8)} ${variant.padEnd(10)} RSS ${mb(before.rss)} -> ` +
        `${trace.map((m) => mb(m.rss)).join(' -> ')} MB, heap ${mb(before.heapUsed)} -> ` +
        `${mb(after.heapUsed)} MB, ${TOTAL.toLocaleString('en-US')} requests in ${seconds.toFixed(0)} s`,
    );
    return row;
  } finally {
    await app.close();
  }
}

async function main() {
  console.log(
    `memory: ${TOTAL.toLocaleString('en-US')} requests to distinct URLs from distinct origins per ` +
      `app, after ${WARMUP.toLocaleString('en-US')} warm-up requests; memory read after a full GC`,
  );
  const rows = [];
  for (const adapter of adapters) {
    for (const variant of variants) {
      try {
        rows.push(await check(adapter, variant));
      } catch (error) {
        failures.push(`${adapter}/${variant}: ${error.message}`);
        console.error(`FAIL ${adapter}/${variant}: ${error.stack}`);
      }
    }
  }
  const quarters = Array.from({ length: CHECKPOINTS }, (_, i) => `${(i + 1) * 25}%`);
  console.log(`\n### Memory after ${TOTAL.toLocaleString('en-US')} distinct requests (MB)\n`);
  console.log(
    markdownTable(
      [
        'adapter',
        'variant',
        'RSS at start',
        'RSS after warm-up',
        ...quarters.map((q) => `RSS at ${q}`),
        'Δ RSS',
        'heap after warm-up',
        'heap at end',
        'Δ heap',
      ],
      rows.map((r) => [
        r.adapter,
        r.variant,
        mb(r.started.rss),
        mb(r.before.rss),
        ...r.trace.map((m) => mb(m.rss)),
        mb(r.after.rss - r.before.rss),
        mb(r.before.heapUsed),
        mb(r.after.heapUsed),
        mb(r.after.heapUsed - r.before.heapUsed),
      ]),
      ['left', 'left', ...Array(CHECKPOINTS + 6).fill('right')],
    ),
  );
  if (args.json) writeFileSync(args.json, JSON.stringify({ total: TOTAL, rows }, null, 2));
  if (failures.length > 0) {
    console.error(`\nmemory: ${failures.length} failure(s):\n${failures.join('\n')}`);
    process.exit(1);
  }
}

await main();
