// Startup benchmark (issue 19): for apps of 100, 1,000 and 5,000 generated routes (see
// bench/support/route-count-scenarios.mjs), on Express and Fastify, without CORS, with
// `app.enableCors()` and with `CorsModule.forRoot()`: the time from the app process's start, and
// from `NestFactory.create()`, to listening, and the heap used once listening, after a full GC;
// then the time its first preflight takes and the heap after it (what is built at the first
// question rather than at startup shows there).
// Each start is a new process, one at a time, variants alternating within a round (A B C A B C ...);
// reports the medians over the rounds and the medians of the per-round ratios of the module to
// `app.enableCors()` and to no CORS.
//
//   node bench/startup.mjs            full run: 5 rounds of every route count (about 5 minutes)
//   node bench/startup.mjs --quick    100 routes, 1 round: proves the harness works
//
// Options: --rounds N, --routes 100,1000 (route counts), --adapter express, --variants a,b,
//          --json FILE (raw results), --chart DIR (SVG charts against route count), --skipBuild,
//          --library DIR (nestjs-cors from the built dist/ of the checkout DIR; not built)
// Exit code 1 when an app fails to start or answers its check request other than expected.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { writeStartupCharts } from './support/charts.mjs';
import {
  buildLibrary,
  describeSource,
  markdownTable,
  median,
  parseArgs,
  probe,
  startApp,
} from './support/harness.mjs';
import { ROUTE_COUNTS, QUICK_ROUTE_COUNT } from './support/route-count-scenarios.mjs';
import { ADAPTERS, VARIANTS, expectationFor, scenarioById } from './support/scenarios.mjs';

const args = parseArgs(process.argv.slice(2), {
  quick: false,
  rounds: 0,
  routes: '',
  adapter: '',
  variants: 'none,enableCors,module',
  json: '',
  chart: '',
  skipBuild: false,
  library: '',
});
const rounds = args.rounds || (args.quick ? 1 : 5);
const routeCounts = args.routes
  ? args.routes.split(',').map(Number)
  : args.quick
    ? [QUICK_ROUTE_COUNT]
    : ROUTE_COUNTS;
const adapters = args.adapter ? args.adapter.split(',') : ADAPTERS;
const variants = args.variants.split(',');
for (const id of variants) {
  if (!['none', 'enableCors', 'module', 'decorator'].includes(id))
    throw new Error(`variant ${id}: bench/startup.mjs runs none, enableCors, module, decorator`);
}
const library = args.library ? resolve(args.library) : undefined;
/** The measures of one start, and how they print. */
const MEASURES = [
  { key: 'bootToListening', title: 'process start to listening, ms', format: (v) => v.toFixed(0) },
  { key: 'createToListening', title: 'create() to listening, ms', format: (v) => v.toFixed(0) },
  { key: 'heapUsed', title: 'heap used, MB', format: (v) => (v / 1024 / 1024).toFixed(1) },
  { key: 'rss', title: 'RSS, MB', format: (v) => (v / 1024 / 1024).toFixed(1) },
  // What is built at the first request rather than at startup shows here, and in its time.
  {
    key: 'heapAfterFirst',
    title: 'heap used after the first preflight, MB',
    format: (v) => (v / 1024 / 1024).toFixed(1),
  },
  { key: 'firstAnswer', title: 'first preflight answered in, ms', format: (v) => v.toFixed(1) },
];
const RATIOS = [
  ['module', 'enableCors'],
  ['module', 'none'],
  ['enableCors', 'none'],
];

const failures = [];

/** Starts one app, reads its timing and memory, checks its answer to one preflight, closes it. */
async function measureOnce(adapter, variant, scenario) {
  const app = await startApp({
    adapter,
    variant,
    scenario: scenario.id,
    library,
    execArgv: ['--expose-gc'],
  });
  try {
    // Memory first: after startup, before any request.
    const { heapUsed, rss } = await app.memory();
    const request = scenario.requests[0];
    const expected = expectationFor(scenario, variant, request);
    const sent = performance.now();
    const { status, headers } = await probe(app.url, request);
    const firstAnswer = performance.now() - sent;
    const { heapUsed: heapAfterFirst } = await app.memory();
    const allowOrigin = headers['access-control-allow-origin'];
    if (status !== expected.status || allowOrigin !== expected.allowOrigin) {
      throw new Error(
        `${request.method} ${request.path} answered ${status} with Access-Control-Allow-Origin ` +
          `${allowOrigin ?? 'none'}, expected ${expected.status} with ${expected.allowOrigin ?? 'none'}`,
      );
    }
    return { ...app.timing, heapUsed, rss, heapAfterFirst, firstAnswer };
  } finally {
    await app.close();
  }
}

function spread(values) {
  const known = values.filter((value) => Number.isFinite(value));
  if (known.length === 0) return undefined;
  return { median: median(known), min: Math.min(...known), max: Math.max(...known) };
}

async function measure(adapter, routeCount) {
  const scenario = scenarioById(`startup-${routeCount}`);
  const perRound = [];
  for (let round = 0; round < rounds; round++) {
    const measured = {};
    for (const variant of variants) {
      try {
        measured[variant] = await measureOnce(adapter, variant, scenario);
      } catch (error) {
        const where = `${scenario.id}/${adapter}/${variant} round ${round + 1}`;
        failures.push(`${where}: ${error.message}`);
        console.error(`FAIL ${where}: ${error.message}`);
        return [];
      }
    }
    perRound.push(measured);
  }
  return variants.map((variant) => {
    const medians = {};
    for (const { key } of MEASURES) medians[key] = median(perRound.map((r) => r[variant][key]));
    const ratios = {};
    for (const [a, b] of RATIOS) {
      if (a !== variant || !variants.includes(b)) continue;
      for (const { key } of MEASURES)
        ratios[`${key} ${a}/${b}`] = spread(perRound.map((r) => r[a][key] / r[b][key]));
    }
    return {
      adapter,
      variant,
      routeCount,
      perRound: perRound.map((r) => r[variant]),
      medians,
      ratios,
    };
  });
}

const fmtRatio = (ratio) =>
  ratio === undefined
    ? '—'
    : `${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`;

function printTables(rows) {
  console.log('\n### Startup: medians per variant\n');
  console.log(
    markdownTable(
      ['routes', 'adapter', 'variant', ...MEASURES.map((m) => m.title)],
      rows.map((row) => [
        row.routeCount.toLocaleString('en-US'),
        row.adapter,
        VARIANTS.find((v) => v.id === row.variant)?.label ?? row.variant,
        ...MEASURES.map((m) => m.format(row.medians[m.key])),
      ]),
      ['right', 'left', 'left', ...MEASURES.map(() => 'right')],
    ),
  );
  // Per route count and adapter, in the order of RATIOS (module ÷ enableCors first).
  const groups = [...new Set(rows.map((row) => `${row.routeCount} ${row.adapter}`))];
  const ratioRows = groups.flatMap((group) =>
    RATIOS.flatMap(([a, b]) => {
      const row = rows.find((r) => `${r.routeCount} ${r.adapter}` === group && r.variant === a);
      if (row === undefined || !(`heapUsed ${a}/${b}` in row.ratios)) return [];
      return [
        [
          row.routeCount.toLocaleString('en-US'),
          row.adapter,
          `${a} ÷ ${b}`,
          ...MEASURES.map((m) => fmtRatio(row.ratios[`${m.key} ${a}/${b}`])),
        ],
      ];
    }),
  );
  if (ratioRows.length === 0) return;
  console.log('\n### Startup: median of per-round ratios (min–max)\n');
  console.log(
    markdownTable(['routes', 'adapter', 'ratio', ...MEASURES.map((m) => m.title)], ratioRows, [
      'right',
      'left',
      'left',
      ...MEASURES.map(() => 'right'),
    ]),
  );
}

async function main() {
  console.log(
    `startup: ${args.quick ? 'quick' : 'full'} mode, ${rounds} round(s), routes ` +
      `${routeCounts.join(', ')}, variants ${variants.join(', ')}; Node ${process.version}, ` +
      `${cpus().length} CPUs; nestjs-cors source: ${library ?? 'this checkout'}, ` +
      describeSource(library),
  );
  if (!args.skipBuild && library === undefined) buildLibrary();
  const started = Date.now();
  const rows = [];
  for (const routeCount of routeCounts) {
    for (const adapter of adapters) {
      const measured = await measure(adapter, routeCount);
      rows.push(...measured);
      for (const row of measured) {
        console.log(
          `startup: ${String(routeCount).padStart(5)} routes ${adapter.padEnd(8)} ` +
            `${row.variant.padEnd(10)} ` +
            MEASURES.map((m) => `${m.title} ${m.format(row.medians[m.key])}`).join(', '),
        );
      }
    }
  }
  if (rows.length > 0) printTables(rows);
  console.log(`\nstartup: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (args.json) {
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          mode: args.quick ? 'quick' : 'full',
          librarySource: describeSource(library),
          rounds,
          rows,
        },
        null,
        2,
      ),
    );
  }
  if (args.chart) {
    for (const file of writeStartupCharts(args.chart, rows)) console.log(`startup: wrote ${file}`);
  }
  if (failures.length > 0) {
    console.error(`\nstartup: ${failures.length} failure(s):\n${failures.join('\n')}`);
    process.exit(1);
  }
}

await main();
