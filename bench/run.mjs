// HTTP benchmark: every app variant of every scenario on Express and Fastify, each in its own
// process on 127.0.0.1, driven by autocannon in alternating rounds (A B C D A B C D ...), so that
// drift on the machine hits all variants alike. Prints, per scenario and adapter, the median req/s
// and the median server CPU time per request of each variant, and the medians of the per-round
// ratios of both with their min-max spread. CPU time is the app process's user + system time from
// /proc/<pid>/stat, read before and after each of its rounds (Linux only; "n/a" elsewhere).
//
//   node bench/run.mjs            full run (about 14 minutes)
//   node bench/run.mjs --quick    a minute or so: proves the harness works, numbers are rough
//
// Options: --rounds N, --seconds S (per round) or --amount N (requests per round),
//          --warmup S, --connections N, --scenario a,b, --adapter express, --json FILE (raw
//          results), --skipBuild
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
import { ADAPTERS, SCENARIOS, VARIANTS, expectationFor, variantsOf } from './support/scenarios.mjs';

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
  skipBuild: false,
});
const mode = args.quick ? QUICK : FULL;
const rounds = args.rounds || mode.rounds;
const seconds = args.seconds || mode.seconds;
const warmup = args.warmup >= 0 ? args.warmup : mode.warmup;
const amount = args.amount || (args.seconds ? 0 : mode.amount);
/** autocannon's stopping rule for one measured round. */
const roundLength = amount > 0 ? { amount } : { seconds };
const scenarios = args.scenario
  ? args.scenario.split(',').map((id) => {
      const found = SCENARIOS.find((s) => s.id === id);
      if (found === undefined) throw new Error(`unknown scenario ${id}`);
      return found;
    })
  : SCENARIOS;
const adapters = args.adapter ? args.adapter.split(',') : ADAPTERS;

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
];
const SHORT = {
  none: 'none',
  bare: 'bare',
  enableCors: 'enableCors',
  module: 'module',
  decorator: '@Cors',
};

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
      variants.map(({ id }) => startApp({ adapter, variant: id, scenario: scenario.id })),
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
  console.log('\n### Targets (median ratio; reported, not asserted)\n');
  const rows = [];
  for (const r of results) {
    const targets = [
      ['module ÷ enableCors', r.ratios['module/enableCors'], 1.0],
      ['@Cors ÷ enableCors', r.ratios['decorator/enableCors'], 1.0],
    ].filter(([, ratio]) => ratio !== undefined);
    if (r.scenario === 'no-origin') {
      targets.push(['module ÷ none', r.ratios['module/none'], 0.97]);
      targets.push(['@Cors ÷ none', r.ratios['decorator/none'], 0.97]);
    }
    if (r.scenario === 'allowed') {
      targets.push(['module ÷ none', r.ratios['module/none'], 0.95]);
      targets.push(['@Cors ÷ none', r.ratios['decorator/none'], 0.95]);
    }
    for (const [name, ratio, target] of targets) {
      const gap = (target - ratio.median) * 100;
      rows.push([
        r.title,
        r.adapter,
        name,
        `>= ${target.toFixed(2)}`,
        ratio.median.toFixed(3),
        ratio.median >= target ? 'met' : `missed by ${gap.toFixed(1)} points`,
      ]);
    }
  }
  console.log(markdownTable(['scenario', 'adapter', 'ratio', 'target', 'measured', ''], rows));
}

async function main() {
  const nestVersion = createRequire(import.meta.url)('@nestjs/core/package.json').version;
  const length = amount > 0 ? `${amount} requests` : `${seconds} s`;
  console.log(
    `bench: ${args.quick ? 'quick' : 'full'} mode, ${rounds} rounds of ${length} per variant ` +
      `(+${warmup > 0 ? `${warmup} s` : 'half a round of'} warm-up), ${args.connections} ` +
      `connections; Node ${process.version}, @nestjs/core ${nestVersion}, ${cpus().length} CPUs`,
  );
  console.log(`bench: nestjs-cors source: ${describeSource()}`);
  console.log(
    `bench: server CPU time from /proc/<pid>/stat, ${CLOCK_TICKS_PER_SECOND} ticks/s` +
      (cpuTicks(process.pid) === undefined ? ' (not available here)' : ''),
  );
  if (amount === 0) {
    const perScenario = (scenario) => variantsOf(scenario).length * (rounds * seconds + warmup) + 2;
    const estimate = adapters.length * scenarios.reduce((sum, s) => sum + perScenario(s), 0);
    console.log(`bench: about ${Math.ceil(estimate / 60)} min`);
  }
  if (!args.skipBuild) buildLibrary();

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
          `; module÷enableCors ${fmtRatio(result.ratios['module/enableCors'])}, CPU ` +
          fmtRatio(result.cpuRatios['module/enableCors']),
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
  if (failures.length > 0) {
    console.error(`\nbench: ${failures.length} failure(s):\n${failures.join('\n')}`);
    process.exit(1);
  }
}

await main();
