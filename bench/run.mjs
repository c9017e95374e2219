// HTTP benchmark: every app variant of every scenario on Express and Fastify, each in its own
// process on 127.0.0.1, driven by autocannon in alternating rounds (A B C D A B C D ...), so that
// drift on the machine hits all variants alike. Prints, per scenario and adapter, the median req/s
// of each variant and the median of the per-round ratios with their min-max spread.
//
//   node bench/run.mjs            full run (about 13 minutes)
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
  buildLibrary,
  describeSource,
  load,
  markdownTable,
  median,
  parseArgs,
  probe,
  startApp,
} from './support/harness.mjs';
import { ADAPTERS, SCENARIOS, VARIANTS, expectationFor } from './support/scenarios.mjs';

// Full rounds are timed; quick rounds are a fixed number of requests, so that 18 scenario/adapter
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

/** Ratios reported: numerator variant over denominator variant. */
const RATIOS = [
  ['module', 'enableCors'],
  ['decorator', 'enableCors'],
  ['module', 'none'],
  ['decorator', 'none'],
  ['enableCors', 'none'],
];
const SHORT = { none: 'none', enableCors: 'enableCors', module: 'module', decorator: '@Cors' };

const failures = [];

function fail(where, message) {
  failures.push(`${where}: ${message}`);
  console.error(`FAIL ${where}: ${message}`);
}

/** The requests checked one by one before load: the first, the middle and the last. */
function sampleRequests(requests) {
  const picks = new Set([0, Math.floor(requests.length / 2), requests.length - 1]);
  return [...picks].map((i) => requests[i]);
}

async function checkAnswers(app, scenario, variant) {
  for (const request of sampleRequests(scenario.requests)) {
    const expected = expectationFor(scenario, variant, request);
    const { status, headers } = await probe(app.url, request);
    const allowOrigin = headers['access-control-allow-origin'];
    if (status !== expected.status || allowOrigin !== expected.allowOrigin) {
      throw new Error(
        `${request.method} ${request.path} (Origin ${request.headers.origin ?? 'none'}) answered ` +
          `${status} with Access-Control-Allow-Origin ${allowOrigin ?? 'none'}, expected ` +
          `${expected.status} with ${expected.allowOrigin ?? 'none'}`,
      );
    }
  }
  return expectationFor(scenario, variant, scenario.requests[0]).status;
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
  const apps = {};
  const expectedStatus = {};
  try {
    const started = await Promise.allSettled(
      VARIANTS.map(({ id }) => startApp({ adapter, variant: id, scenario: scenario.id })),
    );
    started.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') apps[VARIANTS[i].id] = outcome.value;
      else fail(`${where}/${VARIANTS[i].id}`, `did not start: ${outcome.reason?.message}`);
    });
    if (Object.keys(apps).length !== VARIANTS.length) return undefined;

    for (const { id } of VARIANTS) {
      try {
        expectedStatus[id] = await checkAnswers(apps[id], scenario, id);
      } catch (error) {
        fail(`${where}/${id}`, error.message);
      }
    }
    if (Object.keys(expectedStatus).length !== VARIANTS.length) return undefined;

    const options = { connections: args.connections };
    // Warm-up (JIT, connection pools); in quick mode half a round's worth of requests.
    const warmupLength =
      warmup > 0 ? { seconds: warmup } : amount > 0 ? { amount: Math.ceil(amount / 2) } : null;
    if (warmupLength !== null) {
      for (const { id } of VARIANTS)
        await load(apps[id].url, scenario.requests, { ...options, ...warmupLength });
    }
    const perRound = [];
    for (let round = 0; round < rounds; round++) {
      const rps = {};
      for (const { id } of VARIANTS) {
        const result = await load(apps[id].url, scenario.requests, { ...options, ...roundLength });
        if (!checkLoad(`${where}/${id} round ${round + 1}`, result, expectedStatus[id]))
          return undefined;
        rps[id] = result.rps;
      }
      perRound.push(rps);
    }
    return summarise(adapter, scenario, perRound);
  } catch (error) {
    fail(where, error.stack ?? String(error));
    return undefined;
  } finally {
    await Promise.all(Object.values(apps).map((app) => app.close()));
  }
}

function summarise(adapter, scenario, perRound) {
  const medians = {};
  for (const { id } of VARIANTS) medians[id] = median(perRound.map((r) => r[id]));
  const ratios = {};
  for (const [a, b] of RATIOS) {
    const values = perRound.map((r) => r[a] / r[b]);
    ratios[`${a}/${b}`] = {
      median: median(values),
      min: Math.min(...values),
      max: Math.max(...values),
    };
  }
  return { adapter, scenario: scenario.id, title: scenario.title, perRound, medians, ratios };
}

const fmtRps = (value) => Math.round(value).toLocaleString('en-US');
const fmtRatio = ({ median: m, min, max }) =>
  `${m.toFixed(3)} (${min.toFixed(2)}–${max.toFixed(2)})`;

function printTables(results) {
  console.log('\n### Median requests/s per variant\n');
  console.log(
    markdownTable(
      ['scenario', 'adapter', ...VARIANTS.map((v) => v.label)],
      results.map((r) => [r.title, r.adapter, ...VARIANTS.map((v) => fmtRps(r.medians[v.id]))]),
      ['left', 'left', 'right', 'right', 'right', 'right'],
    ),
  );
  console.log('\n### Median of per-round ratios (min–max)\n');
  console.log(
    markdownTable(
      ['scenario', 'adapter', ...RATIOS.map(([a, b]) => `${SHORT[a]} ÷ ${SHORT[b]}`)],
      results.map((r) => [
        r.title,
        r.adapter,
        ...RATIOS.map(([a, b]) => fmtRatio(r.ratios[`${a}/${b}`])),
      ]),
    ),
  );
  console.log('\n### Targets (median ratio; reported, not asserted)\n');
  const rows = [];
  for (const r of results) {
    const targets = [
      ['module ÷ enableCors', r.ratios['module/enableCors'], 1.0],
      ['@Cors ÷ enableCors', r.ratios['decorator/enableCors'], 1.0],
    ];
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
  if (amount === 0) {
    const perPair = VARIANTS.length * (rounds * seconds + warmup) + 2;
    const estimate = scenarios.length * adapters.length * perPair;
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
      const ratio = result.ratios['module/enableCors'];
      console.log(
        `bench: ${scenario.id.padEnd(16)} ${adapter.padEnd(8)} ` +
          VARIANTS.map((v) => `${SHORT[v.id]} ${fmtRps(result.medians[v.id])}`).join(', ') +
          `; module÷enableCors ${fmtRatio(ratio)}`,
      );
    }
  }
  if (results.length > 0) printTables(results);
  console.log(`\nbench: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (args.json) {
    writeFileSync(
      args.json,
      JSON.stringify(
        { mode: args.quick ? 'quick' : 'full', rounds, roundLength, results },
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
