// HTTP benchmark: every app variant of every scenario on Express and Fastify, each in its own
// process on 127.0.0.1, driven by autocannon in alternating rounds (A B C D A B C D ...), so that
// drift on the machine hits all variants alike. Prints, per scenario and adapter, the median req/s
// and the median server CPU time per request of each variant, and the medians of the per-round
// ratios of both with their min-max spread. CPU time is the app process's user + system time from
// /proc/<pid>/stat, read before and after each of its rounds (Linux only; "n/a" elsewhere).
//
//   node bench/run.mjs            full run (about 23 minutes)
//   node bench/run.mjs --quick    a minute or so: proves the harness works, numbers are rough
//                                 (skips the scenarios of large apps, `quick: false`, unless
//                                 --scenario names them)
//
// Options: --rounds N, --seconds S (per round) or --amount N (requests per round),
//          --warmup S, --connections N, --scenario a,b, --adapter express, --json FILE (raw
//          results), --chart DIR (SVG charts of the route-count scenarios that ran, against route
//          count: bench/support/charts.mjs), --skipBuild, --variants a,b (these variants in every scenario that can run
//          them, instead of each scenario's own list), --library DIR (nestjs-cors from the built
//          dist/ of the checkout DIR instead of this one; not built by the run), --baseline DIR (adds
//          moduleBase and decoratorBase, `module` and `decorator` with the build in DIR's dist/,
//          next to `module` and `decorator` in the same rounds; not built by the run)
// Exit code 1 when a variant fails to start, answers other than expected, or a request errors;
// never because of a timing.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import {
  CLOCK_TICKS_PER_SECOND,
  buildLibrary,
  cpuTicks,
  describeSource,
  load,
  markdownTable,
  median,
  parseArgs,
  probe,
  startApp,
} from './support/harness.mjs';
import { resolve } from 'node:path';
import { writeRunCharts } from './support/charts.mjs';
import {
  ADAPTERS,
  SCENARIOS,
  VARIANTS,
  expectationFor,
  variantsOf as scenarioVariants,
} from './support/scenarios.mjs';

// Full rounds are timed; quick rounds are a fixed number of requests, so that 20 scenario/adapter
// pairs fit in about a minute.
const FULL = { rounds: 6, seconds: 1.5, warmup: 1, amount: 0 };
const QUICK = { rounds: 2, seconds: 0, warmup: 0, amount: 1500 };

const args = parseArgs(process.argv.slice(2), {
  quick: false,
  rounds: 0,
  seconds: 0,
  warmup: -1,
  amount: 0,
  connections: 10,
  scenario: '',
  adapter: '',
  json: '',
  chart: '',
  skipBuild: false,
  variants: '',
  library: '',
  baseline: '',
});
const mode = args.quick ? QUICK : FULL;
const rounds = args.rounds || mode.rounds;
const seconds = args.seconds || mode.seconds;
const warmup = args.warmup >= 0 ? args.warmup : mode.warmup;
const amount = args.amount || (args.seconds ? 0 : mode.amount);
/** autocannon's stopping rule for one measured round. */
const roundLength = amount > 0 ? { amount } : { seconds };
// Quick mode runs the scenarios of large apps (`quick: false`) only when --scenario names them.
const scenarios = args.scenario
  ? args.scenario.split(',').map((id) => {
      const found = SCENARIOS.find((s) => s.id === id);
      if (found === undefined) throw new Error(`unknown scenario ${id}`);
      return found;
    })
  : SCENARIOS.filter((scenario) => !args.quick || scenario.quick !== false);
const skippedInQuickMode = args.scenario
  ? []
  : SCENARIOS.filter((scenario) => !scenarios.includes(scenario)).map((s) => s.id);
const adapters = args.adapter ? args.adapter.split(',') : ADAPTERS;
const onlyVariants = args.variants ? args.variants.split(',') : undefined;
for (const id of onlyVariants ?? []) {
  const found = VARIANTS.find((v) => v.id === id);
  if (found === undefined) throw new Error(`unknown variant ${id}`);
  if (found.baseline && !args.baseline) throw new Error(`variant ${id} needs --baseline DIR`);
}
const library = args.library ? resolve(args.library) : undefined;
const baseline = args.baseline ? resolve(args.baseline) : undefined;

/**
 * The variants a scenario runs: its own list or `--variants`; with `--baseline` and no
 * `--variants`, also the baseline twin of its `module` and `decorator`.
 */
function variantsOf(scenario) {
  const variants = scenarioVariants(scenario, onlyVariants);
  if (baseline === undefined || onlyVariants !== undefined) return variants;
  const ids = variants.map((v) => v.id);
  if (ids.includes('module')) ids.push('moduleBase');
  if (ids.includes('decorator')) ids.push('decoratorBase');
  return VARIANTS.filter((v) => ids.includes(v.id));
}

/** The checkout whose build a variant loads: `--baseline` for the baseline variants. */
function libraryOf(id) {
  return VARIANTS.find((v) => v.id === id)?.baseline ? baseline : library;
}

/** Ratios reported, where a scenario has both variants: numerator variant over denominator. */
const RATIOS = [
  ['module', 'enableCors'],
  ['decorator', 'enableCors'],
  ['module', 'none'],
  ['decorator', 'none'],
  ['enableCors', 'none'],
  ['module', 'bare'],
  ['decorator', 'bare'],
  ['bare', 'none'],
  // Issue 9: a per-request policy answering the static policy, over that static policy.
  ['perRequest', 'module'],
  ['perRequestUncached', 'module'],
  ['perRequestDecorator', 'decorator'],
  // This build of the library over the baseline's (--baseline), with the same static policy.
  ['module', 'moduleBase'],
  ['decorator', 'decoratorBase'],
  // Issue 20: a CorsEvents listener over none.
  ['moduleListening', 'module'],
  // Issue 20: a trial that agrees with the policy, over none.
  ['moduleTrial', 'module'],
];
const SHORT = {
  none: 'none',
  bare: 'bare',
  enableCors: 'enableCors',
  module: 'module',
  decorator: '@Cors',
  moduleBase: 'module (baseline)',
  moduleListening: 'module + listener',
  moduleTrial: 'module + trial',
  decoratorBase: '@Cors (baseline)',
  perRequest: 'perRequest',
  perRequestUncached: 'perRequest uncached',
  perRequestDecorator: '@Cors(perRequest)',
};

/** The ratios the progress line shows, where a scenario has both variants. */
const PROGRESS_RATIOS = [
  'module/enableCors',
  'perRequest/module',
  'perRequestDecorator/decorator',
  'module/moduleBase',
  'decorator/decoratorBase',
];

const failures = [];

function fail(where, message) {
  failures.push(`${where}: ${message}`);
  console.error(`FAIL ${where}: ${message}`);
}

/**
 * The requests checked one by one before load: all of them with `checkAll`, else the first, the
 * middle and the last.
 */
function sampleRequests(scenario) {
  const { requests } = scenario;
  if (scenario.checkAll) return requests;
  const picks = new Set([0, Math.floor(requests.length / 2), requests.length - 1]);
  return [...picks].map((i) => requests[i]);
}

/**
 * Whether a comma-separated `Access-Control-Allow-Methods`/`-Headers` value grants `name`: listed
 * (case-insensitively), or `*` on an answer without credentials.
 */
function grants(value, name, headers) {
  const listed = (value ?? '').split(',').map((entry) => entry.trim().toLowerCase());
  if (listed.includes(name.toLowerCase())) return true;
  return listed.includes('*') && headers['access-control-allow-credentials'] === undefined;
}

async function checkAnswers(app, scenario, variant) {
  const requests = sampleRequests(scenario);
  // All at once (each over its own connection), then checked in order.
  const answers = await Promise.all(requests.map((request) => probe(app.url, request)));
  for (const [i, request] of requests.entries()) {
    const expected = expectationFor(scenario, variant, request);
    const { status, headers } = answers[i];
    const allowOrigin = headers['access-control-allow-origin'];
    const what = `${request.method} ${request.path} (Origin ${request.headers.origin ?? 'none'})`;
    if (status !== expected.status || allowOrigin !== expected.allowOrigin) {
      throw new Error(
        `${what} answered ${status} with Access-Control-Allow-Origin ${allowOrigin ?? 'none'}, ` +
          `expected ${expected.status} with ${expected.allowOrigin ?? 'none'}`,
      );
    }
    // An approved preflight must grant the method and the headers it asked for.
    const allowMethods = headers['access-control-allow-methods'];
    const allowHeaders = headers['access-control-allow-headers'];
    if (
      (expected.allowMethod !== undefined &&
        !grants(allowMethods, expected.allowMethod, headers)) ||
      (expected.allowHeaders ?? []).some((name) => !grants(allowHeaders, name, headers))
    ) {
      throw new Error(
        `${what} for ${expected.allowMethod} with ${expected.allowHeaders.join(', ')} answered ` +
          `Access-Control-Allow-Methods ${allowMethods ?? 'none'}, Access-Control-Allow-Headers ` +
          `${allowHeaders ?? 'none'}: not an approval`,
      );
    }
  }
  return expectationFor(scenario, variant, scenario.requests[0]).status;
}

/** `Access-Control-*` and `Vary` headers of a response, as `name: value` lines in name order. */
function corsHeaders(headers) {
  return Object.entries(headers)
    .filter(([name]) => name.startsWith('access-control-') || name === 'vary')
    .map(([name, value]) => `${name}: ${value}`)
    .sort()
    .join('; ');
}

/** The bare hook is the floor only if it writes what the module writes: compares the two. */
async function checkBareMatchesModule(apps, scenario) {
  const request = scenario.requests[0];
  const bare = corsHeaders((await probe(apps.bare.url, request)).headers);
  const module = corsHeaders((await probe(apps.module.url, request)).headers);
  if (bare !== module) {
    throw new Error(
      `bare hook wrote ${bare || 'nothing'}, the module wrote ${module || 'nothing'}`,
    );
  }
}

/** Server CPU µs per request of one round, from clock ticks; `undefined` without `/proc`. */
function cpuPerRequest(before, after, requests) {
  if (before === undefined || after === undefined || requests === 0) return undefined;
  return (((after - before) / CLOCK_TICKS_PER_SECOND) * 1e6) / requests;
}

function checkLoad(where, result, expectedStatus) {
  const unexpected = Object.entries(result.statusCounts).filter(
    ([status]) => Number(status) !== expectedStatus,
  );
  if (result.errors > 0 || result.timeouts > 0 || unexpected.length > 0 || result.total === 0) {
    fail(
      where,
      `${result.total} responses, ${result.errors} errors, ${result.timeouts} timeouts, statuses ` +
        `${JSON.stringify(result.statusCounts)} (expected only ${expectedStatus})`,
    );
    return false;
  }
  return true;
}

async function runPair(adapter, scenario) {
  const where = `${scenario.id}/${adapter}`;
  const variants = variantsOf(scenario);
  const apps = {};
  const expectedStatus = {};
  try {
    const started = await Promise.allSettled(
      variants.map(({ id }) =>
        startApp({ adapter, variant: id, scenario: scenario.id, library: libraryOf(id) }),
      ),
    );
    started.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') apps[variants[i].id] = outcome.value;
      else fail(`${where}/${variants[i].id}`, `did not start: ${outcome.reason?.message}`);
    });
    if (Object.keys(apps).length !== variants.length) return undefined;

    for (const { id } of variants) {
      try {
        expectedStatus[id] = await checkAnswers(apps[id], scenario, id);
      } catch (error) {
        fail(`${where}/${id}`, error.message);
      }
    }
    if (Object.keys(expectedStatus).length !== variants.length) return undefined;
    if (apps.bare !== undefined && apps.module !== undefined) {
      try {
        await checkBareMatchesModule(apps, scenario);
      } catch (error) {
        fail(`${where}/bare`, error.message);
        return undefined;
      }
    }

    const options = { connections: args.connections };
    // Warm-up (JIT, connection pools); in quick mode half a round's worth of requests.
    const warmupLength =
      warmup > 0 ? { seconds: warmup } : amount > 0 ? { amount: Math.ceil(amount / 2) } : null;
    if (warmupLength !== null) {
      for (const { id } of variants)
        await load(apps[id].url, scenario.requests, { ...options, ...warmupLength });
    }
    const perRound = [];
    for (let round = 0; round < rounds; round++) {
      const rps = {};
      const cpu = {};
      for (const { id } of variants) {
        const before = cpuTicks(apps[id].pid);
        const result = await load(apps[id].url, scenario.requests, { ...options, ...roundLength });
        const after = cpuTicks(apps[id].pid);
        if (!checkLoad(`${where}/${id} round ${round + 1}`, result, expectedStatus[id]))
          return undefined;
        rps[id] = result.rps;
        cpu[id] = cpuPerRequest(before, after, result.total);
      }
      perRound.push({ rps, cpu });
    }
    return summarise(adapter, scenario, variants, perRound);
  } catch (error) {
    fail(where, error.stack ?? String(error));
    return undefined;
  } finally {
    await Promise.all(Object.values(apps).map((app) => app.close()));
  }
}

/** Median and min-max of per-round values, leaving out rounds without one; `undefined` if none. */
function spread(values) {
  const known = values.filter((value) => Number.isFinite(value));
  if (known.length === 0) return undefined;
  return { median: median(known), min: Math.min(...known), max: Math.max(...known) };
}

function summarise(adapter, scenario, variants, perRound) {
  const ids = variants.map((v) => v.id);
  const medians = {};
  const cpuMedians = {};
  for (const id of ids) {
    medians[id] = median(perRound.map((r) => r.rps[id]));
    cpuMedians[id] = spread(perRound.map((r) => r.cpu[id]))?.median;
  }
  const ratios = {};
  const cpuRatios = {};
  for (const [a, b] of RATIOS) {
    if (!ids.includes(a) || !ids.includes(b)) continue;
    ratios[`${a}/${b}`] = spread(perRound.map((r) => r.rps[a] / r.rps[b]));
    // A round in which the denominator used no measurable CPU (under one tick) has no CPU ratio.
    cpuRatios[`${a}/${b}`] = spread(perRound.map((r) => r.cpu[a] / r.cpu[b]));
  }
  return {
    adapter,
    scenario: scenario.id,
    title: scenario.title,
    variants: ids,
    perRound,
    medians,
    cpuMedians,
    ratios,
    cpuRatios,
  };
}

const fmtRps = (value) => (value === undefined ? '—' : Math.round(value).toLocaleString('en-US'));
const fmtCpu = (value) => (value === undefined ? 'n/a' : value.toFixed(1));
const fmtRatio = (ratio) =>
  ratio === undefined
    ? '—'
    : `${ratio.median.toFixed(3)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`;

function printTables(results) {
  const variants = VARIANTS.filter((v) => results.some((r) => r.variants.includes(v.id)));
  const ratios = RATIOS.filter(([a, b]) => results.some((r) => `${a}/${b}` in r.ratios));
  const ratioHeader = ratios.map(([a, b]) => `${SHORT[a]} ÷ ${SHORT[b]}`);
  console.log('\n### Median requests/s and server CPU µs per request, per variant\n');
  console.log(
    markdownTable(
      [
        'scenario',
        'adapter',
        ...variants.flatMap((v) => [`${v.label} req/s`, `${SHORT[v.id]} CPU µs/req`]),
      ],
      results.map((r) => [
        r.title,
        r.adapter,
        ...variants.flatMap((v) =>
          r.variants.includes(v.id)
            ? [fmtRps(r.medians[v.id]), fmtCpu(r.cpuMedians[v.id])]
            : ['—', '—'],
        ),
      ]),
      ['left', 'left', ...variants.flatMap(() => ['right', 'right'])],
    ),
  );
  console.log('\n### Median of per-round req/s ratios (min–max)\n');
  console.log(
    markdownTable(
      ['scenario', 'adapter', ...ratioHeader],
      results.map((r) => [
        r.title,
        r.adapter,
        ...ratios.map(([a, b]) => fmtRatio(r.ratios[`${a}/${b}`])),
      ]),
    ),
  );
  console.log(
    '\n### Median of per-round server CPU µs/request ratios (min–max; below 1: the first uses ' +
      'less CPU)\n',
  );
  console.log(
    markdownTable(
      ['scenario', 'adapter', ...ratioHeader],
      results.map((r) => [
        r.title,
        r.adapter,
        ...ratios.map(([a, b]) =>
          `${a}/${b}` in r.ratios ? fmtRatio(r.cpuRatios[`${a}/${b}`]) : '—',
        ),
      ]),
    ),
  );
  console.log(
    '\n### Targets (median of per-round ratios; reported, not asserted; CPU: server CPU µs per ' +
      'request)\n',
  );
  const rows = [];
  for (const r of results) {
    // [name, ratio key, least req/s ratio, most CPU ratio (undefined: none)]
    const targets = [
      ['module ÷ enableCors', 'module/enableCors', 1.0],
      ['@Cors ÷ enableCors', 'decorator/enableCors', 1.0],
    ];
    if (r.scenario === 'no-origin') {
      targets.push(['module ÷ none', 'module/none', 0.97]);
      targets.push(['@Cors ÷ none', 'decorator/none', 0.97]);
    }
    if (r.scenario === 'allowed') {
      targets.push(['module ÷ none', 'module/none', 0.95]);
      targets.push(['@Cors ÷ none', 'decorator/none', 0.95]);
    }
    // Issue 9: a cached per-request policy costs at most 10% over the same static policy...
    targets.push(['perRequest ÷ module', 'perRequest/module', 0.9, 1.1]);
    targets.push(['@Cors(perRequest) ÷ @Cors', 'perRequestDecorator/decorator', 0.9, 1.1]);
    // ...and static policies do not get slower than in the baseline build.
    targets.push(['module ÷ module (baseline)', 'module/moduleBase', 1.0, 1.0]);
    targets.push(['@Cors ÷ @Cors (baseline)', 'decorator/decoratorBase', 1.0, 1.0]);
    for (const [name, key, target, cpuTarget] of targets) {
      const ratio = r.ratios[key];
      if (ratio === undefined) continue;
      const cpu = r.cpuRatios[key];
      const verdict = (measured, met, gap) =>
        measured === undefined ? 'n/a' : met ? 'met' : `missed by ${gap.toFixed(1)} points`;
      rows.push([
        r.title,
        r.adapter,
        name,
        `>= ${target.toFixed(2)}`,
        ratio.median.toFixed(3),
        verdict(ratio.median, ratio.median >= target, (target - ratio.median) * 100),
        cpuTarget === undefined ? '—' : `<= ${cpuTarget.toFixed(2)}`,
        cpuTarget === undefined || cpu === undefined ? '—' : cpu.median.toFixed(3),
        cpuTarget === undefined
          ? '—'
          : verdict(cpu?.median, cpu?.median <= cpuTarget, (cpu?.median - cpuTarget) * 100),
      ]);
    }
  }
  console.log(
    markdownTable(
      ['scenario', 'adapter', 'ratio', 'target', 'measured', '', 'CPU target', 'CPU measured', ''],
      rows,
    ),
  );
}

async function main() {
  const nestVersion = createRequire(import.meta.url)('@nestjs/core/package.json').version;
  const length = amount > 0 ? `${amount} requests` : `${seconds} s`;
  console.log(
    `bench: ${args.quick ? 'quick' : 'full'} mode, ${rounds} rounds of ${length} per variant ` +
      `(+${warmup > 0 ? `${warmup} s` : 'half a round of'} warm-up), ${args.connections} ` +
      `connections; Node ${process.version}, @nestjs/core ${nestVersion}, ${cpus().length} CPUs`,
  );
  console.log(
    `bench: nestjs-cors source: ${library === undefined ? 'this checkout' : library}, ` +
      describeSource(library),
  );
  if (baseline !== undefined)
    console.log(`bench: baseline nestjs-cors source: ${baseline}, ${describeSource(baseline)}`);
  console.log(
    `bench: server CPU time from /proc/<pid>/stat, ${CLOCK_TICKS_PER_SECOND} ticks/s` +
      (cpuTicks(process.pid) === undefined ? ' (not available here)' : ''),
  );
  if (amount === 0) {
    const perScenario = (scenario) => variantsOf(scenario).length * (rounds * seconds + warmup) + 2;
    const estimate = adapters.length * scenarios.reduce((sum, s) => sum + perScenario(s), 0);
    console.log(`bench: about ${Math.ceil(estimate / 60)} min`);
  }
  if (skippedInQuickMode.length > 0) {
    console.log(
      `bench: quick mode skips ${skippedInQuickMode.join(', ')} (name them with --scenario to run them)`,
    );
  }
  // --library and --baseline name builds made beforehand: only this checkout's is built here.
  if (!args.skipBuild && library === undefined) buildLibrary();

  const started = Date.now();
  const results = [];
  for (const scenario of scenarios) {
    for (const adapter of adapters) {
      const result = await runPair(adapter, scenario);
      if (result === undefined) continue;
      results.push(result);
      console.log(
        `bench: ${scenario.id.padEnd(16)} ${adapter.padEnd(8)} ` +
          result.variants
            .map(
              (id) =>
                `${SHORT[id]} ${fmtRps(result.medians[id])} (${fmtCpu(result.cpuMedians[id])} µs)`,
            )
            .join(', ') +
          PROGRESS_RATIOS.filter((key) => key in result.ratios)
            .map(
              (key) =>
                `; ${key.replace('/', '÷')} ${fmtRatio(result.ratios[key])}, CPU ` +
                fmtRatio(result.cpuRatios[key]),
            )
            .join(''),
      );
    }
  }
  if (results.length > 0) printTables(results);
  console.log(`\nbench: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (args.json) {
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          mode: args.quick ? 'quick' : 'full',
          library: library ?? 'this checkout',
          librarySource: describeSource(library),
          ...(baseline === undefined ? {} : { baseline, baselineSource: describeSource(baseline) }),
          rounds,
          roundLength,
          clockTicksPerSecond: CLOCK_TICKS_PER_SECOND,
          results,
        },
        null,
        2,
      ),
    );
  }
  if (args.chart) {
    for (const file of writeRunCharts(args.chart, results)) console.log(`bench: wrote ${file}`);
  }
  if (failures.length > 0) {
    console.error(`\nbench: ${failures.length} failure(s):\n${failures.join('\n')}`);
    process.exit(1);
  }
}

await main();
