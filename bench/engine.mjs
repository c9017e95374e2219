// Micro-benchmark of the engine: ns per decision and bytes allocated per decision for
// decideActual/decidePreflight, against the `cors` package's middleware function called with
// equivalent minimal req/res objects, in one process. Runs the built dist/ (npm run build first).
//
//   node bench/engine.mjs [--quick] [--json FILE]
//
// It re-runs itself with --expose-gc and a large young generation, so that the allocation loops
// finish without a scavenge and heapUsed deltas count every byte they allocated.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import { compilePolicy, decideActual, decidePreflight } from 'nestjs-cors/engine';
import { markdownTable, median, parseArgs } from './support/harness.mjs';
import {
  APP_ORIGIN,
  BASE_POLICY,
  EVIL_ORIGIN,
  PARTNER_ORIGINS,
  TENANT_ORIGINS,
  WILDCARD_REGEXPS,
} from './support/scenarios.mjs';

const NODE_FLAGS = ['--expose-gc', '--max-semi-space-size=128', '--min-semi-space-size=128'];
if (typeof globalThis.gc !== 'function') {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...NODE_FLAGS, self, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const args = parseArgs(process.argv.slice(2), { quick: false, json: '' });
/** Target time of one timed sample, and samples per measurement (the median is reported). */
const SAMPLE_MS = args.quick ? 20 : 250;
const SAMPLES = args.quick ? 3 : 9;
/** Iterations of one allocation measurement: small enough to stay inside the young generation. */
const ALLOCATION_ITERATIONS = 20_000;

/** The smallest request and response the `cors` middleware needs, reused across calls. */
function makeResponse() {
  const headers = new Map();
  return {
    headers,
    statusCode: 200,
    getHeader: (name) => headers.get(name.toLowerCase()),
    setHeader(name, value) {
      headers.set(name.toLowerCase(), value);
    },
    end() {},
  };
}
const noop = () => {};

function actualRequest(origin) {
  return { method: 'GET', url: '/items', headers: origin === undefined ? {} : { origin } };
}
function preflightRequest(origin) {
  return {
    method: 'OPTIONS',
    url: '/items',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, x-token',
    },
  };
}

/** Writes a decision's headers the way the request hook does, onto the same minimal response. */
function writeDecision(response, decision) {
  for (const [name, value] of decision.headers) response.setHeader(name, value);
  if (decision.vary !== '') response.setHeader('Vary', decision.vary);
}

const wildcardPolicy = {
  ...BASE_POLICY,
  origin: ['https://*.example.com', 'https://*.example.org'],
};
const partnersPolicy = { ...BASE_POLICY, origin: PARTNER_ORIGINS };

/**
 * Each case: the engine's policy and call, and the `cors` options and request that mean the same.
 * Cases with several origins cycle through them, as the HTTP scenarios do.
 */
const CASES = [
  {
    name: 'actual, allowed origin',
    policy: BASE_POLICY,
    engine: (p) => () => decideActual(p, APP_ORIGIN),
    corsOptions: BASE_POLICY,
    requests: [actualRequest(APP_ORIGIN)],
  },
  {
    name: 'actual, disallowed origin',
    policy: BASE_POLICY,
    engine: (p) => () => decideActual(p, EVIL_ORIGIN),
    corsOptions: BASE_POLICY,
    requests: [actualRequest(EVIL_ORIGIN)],
  },
  {
    name: 'actual, no Origin',
    policy: BASE_POLICY,
    engine: (p) => () => decideActual(p, undefined),
    corsOptions: BASE_POLICY,
    requests: [actualRequest(undefined)],
  },
  {
    name: 'preflight, approved',
    policy: BASE_POLICY,
    engine: (p) => {
      const preflight = { origin: APP_ORIGIN, method: 'POST', headers: 'content-type, x-token' };
      return () => decidePreflight(p, preflight);
    },
    corsOptions: BASE_POLICY,
    requests: [preflightRequest(APP_ORIGIN)],
  },
  {
    name: 'preflight, denied (origin)',
    policy: BASE_POLICY,
    engine: (p) => {
      const preflight = { origin: EVIL_ORIGIN, method: 'POST', headers: 'content-type, x-token' };
      return () => decidePreflight(p, preflight);
    },
    corsOptions: BASE_POLICY,
    requests: [preflightRequest(EVIL_ORIGIN)],
  },
  {
    name: 'actual, 1,000 exact origins',
    policy: partnersPolicy,
    engine: (p) => {
      let i = 0;
      return () => decideActual(p, PARTNER_ORIGINS[(i = (i + 1) % PARTNER_ORIGINS.length)]);
    },
    corsOptions: partnersPolicy,
    requests: PARTNER_ORIGINS.map(actualRequest),
  },
  {
    name: 'actual, wildcard subdomains',
    policy: wildcardPolicy,
    engine: (p) => {
      let i = 0;
      return () => decideActual(p, TENANT_ORIGINS[(i = (i + 1) % TENANT_ORIGINS.length)]);
    },
    corsOptions: { ...BASE_POLICY, origin: WILDCARD_REGEXPS },
    requests: TENANT_ORIGINS.map(actualRequest),
  },
];

/**
 * A loop around `step`, compiled from source for each use so that every loop has its own type
 * feedback: one shared loop would see every step function and stop inlining them.
 */
function makeLoop(step) {
  const loop = new Function(
    'step',
    'n',
    'let sink = 0; for (let i = 0; i < n; i++) sink += step(); return sink;',
  );
  return (n) => loop(step, n);
}

function engineStep(kase) {
  const decide = kase.engine(compilePolicy(kase.policy));
  return () => decide().headers.length;
}

function engineWithHeadersStep(kase) {
  const decide = kase.engine(compilePolicy(kase.policy));
  const response = makeResponse();
  return () => {
    response.headers.clear();
    writeDecision(response, decide());
    return response.headers.size;
  };
}

function corsStep(kase) {
  const middleware = cors(kase.corsOptions);
  const response = makeResponse();
  const requests = kase.requests;
  let i = 0;
  return () => {
    response.headers.clear();
    response.statusCode = 200;
    middleware(requests[(i = (i + 1) % requests.length)], response, noop);
    return response.headers.size;
  };
}

/** Median ns per call over SAMPLES timed samples, after a warm-up. */
function nsPerCall(run) {
  run(10_000);
  let n = 1_000;
  for (;;) {
    const started = process.hrtime.bigint();
    run(n);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (ms >= SAMPLE_MS / 4) {
      n = Math.max(1, Math.round((n * SAMPLE_MS) / ms));
      break;
    }
    n *= 4;
  }
  const samples = [];
  for (let s = 0; s < SAMPLES; s++) {
    const started = process.hrtime.bigint();
    run(n);
    samples.push(Number(process.hrtime.bigint() - started) / n);
  }
  return median(samples);
}

/** Start times of every GC, from the performance timeline (delivered asynchronously). */
const gcStarts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcStarts.push(entry.startTime);
}).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Bytes allocated per call: the heapUsed delta across a loop that no GC interrupted. */
async function bytesPerCall(run) {
  run(ALLOCATION_ITERATIONS); // Warm, so that compilation does not count.
  for (let attempt = 0; attempt < 5; attempt++) {
    globalThis.gc();
    await settle();
    const started = performance.now();
    const before = process.memoryUsage().heapUsed;
    run(ALLOCATION_ITERATIONS);
    const after = process.memoryUsage().heapUsed;
    const ended = performance.now();
    await settle();
    if (!gcStarts.some((time) => time >= started && time <= ended))
      return (after - before) / ALLOCATION_ITERATIONS;
  }
  return Number.NaN;
}

async function main() {
  console.log(
    `engine: Node ${process.version}, ${SAMPLES} samples of ~${SAMPLE_MS} ms per measurement, ` +
      `allocations over ${ALLOCATION_ITERATIONS.toLocaleString('en-US')} calls`,
  );
  const emptyLoop = makeLoop(() => 0);
  const baselineBytes = await bytesPerCall(emptyLoop);
  const rows = [];
  for (const kase of CASES) {
    const engine = makeLoop(engineStep(kase));
    const withHeaders = makeLoop(engineWithHeadersStep(kase));
    const corsLoop = makeLoop(corsStep(kase));
    const row = {
      name: kase.name,
      engineNs: nsPerCall(engine),
      engineBytes: (await bytesPerCall(engine)) - baselineBytes,
      withHeadersNs: nsPerCall(withHeaders),
      corsNs: nsPerCall(corsLoop),
      corsBytes: (await bytesPerCall(corsLoop)) - baselineBytes,
    };
    row.speedup = row.corsNs / row.engineNs;
    rows.push(row);
    console.log(
      `engine: ${kase.name.padEnd(28)} engine ${row.engineNs.toFixed(1)} ns, cors ` +
        `${row.corsNs.toFixed(1)} ns, ${row.speedup.toFixed(1)}x`,
    );
  }
  const bytes = (value) => (Number.isNaN(value) ? 'n/a' : Math.max(0, value).toFixed(0));
  console.log('\n### Engine against the `cors` middleware function\n');
  console.log(
    markdownTable(
      [
        'case',
        'engine ns/decision',
        'engine B/decision',
        'engine + writing headers ns',
        '`cors` ns/call',
        '`cors` B/call',
        'cors ÷ engine',
        'target >= 3x',
      ],
      rows.map((r) => [
        r.name,
        r.engineNs.toFixed(1),
        bytes(r.engineBytes),
        r.withHeadersNs.toFixed(1),
        r.corsNs.toFixed(1),
        bytes(r.corsBytes),
        `${r.speedup.toFixed(1)}x`,
        r.speedup >= 3 ? 'met' : `missed (${((r.speedup / 3) * 100).toFixed(0)}% of target)`,
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
  );
  if (args.json) writeFileSync(args.json, JSON.stringify({ rows }, null, 2));
}

await main();
