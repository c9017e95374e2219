// The charts of cost against route count (issue 19): from the results of bench/run.mjs (its
// route-count scenarios) and of bench/startup.mjs, one SVG per measure, a line per variant and
// adapter. Written by `--chart DIR` of both scripts, or afterwards from their `--json` files by
// bench/chart.mjs; bench/RESULTS.md shows them from bench/charts/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS, VARIANTS } from './scenarios.mjs';
import { lineChart } from './svg-chart.mjs';

const COLORS = { none: '#7f7f7f', enableCors: '#ff7f0e', module: '#1f77b4', decorator: '#2ca02c' };
const SPARE_COLORS = ['#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#d62728'];
const ADAPTER_NAMES = { express: 'Express', fastify: 'Fastify' };

function colorOf(variant) {
  const index = VARIANTS.findIndex((v) => v.id === variant);
  return COLORS[variant] ?? SPARE_COLORS[Math.max(0, index) % SPARE_COLORS.length];
}

const labelOf = (variant) => VARIANTS.find((v) => v.id === variant)?.label ?? variant;

/**
 * Series of one measure: a line per (variant, adapter) of `rows` `{ adapter, variant, routeCount,
 * value }`, in variant order, Fastify dashed.
 */
function seriesOf(rows) {
  const keys = [...new Set(rows.map((row) => `${row.variant} ${row.adapter}`))];
  const order = (key) => {
    const [variant, adapter] = key.split(' ');
    return VARIANTS.findIndex((v) => v.id === variant) * 10 + (adapter === 'express' ? 0 : 1);
  };
  return keys
    .sort((a, b) => order(a) - order(b))
    .map((key) => {
      const [variant, adapter] = key.split(' ');
      return {
        label: `${labelOf(variant)}, ${ADAPTER_NAMES[adapter] ?? adapter}`,
        color: colorOf(variant),
        dashed: adapter !== 'express',
        points: rows
          .filter((row) => row.variant === variant && row.adapter === adapter)
          .map((row) => ({ x: row.routeCount, y: row.value })),
      };
    });
}

/** Writes `charts` (`{ file, ...lineChart options }`) with a point to show into `dir`. */
function writeAll(dir, charts) {
  const written = [];
  for (const { file, ...chart } of charts) {
    if (!chart.series.some((s) => s.points.some((p) => Number.isFinite(p.y)))) continue;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), lineChart(chart));
    written.push(join(dir, file));
  }
  return written;
}

const FAMILIES = [
  { family: 'preflight-ids', what: 'preflight to a unique id' },
  { family: 'put-ids', what: 'PUT to a unique id' },
];

/**
 * From bench/run.mjs's results (its `--json` file's `results`): server CPU µs per request and req/s
 * against route count for the route-count scenarios that ran, `preflight-ids-cpu.svg`,
 * `preflight-ids-rps.svg`, `put-ids-cpu.svg`, `put-ids-rps.svg`.
 *
 * @returns the files written.
 */
export function writeRunCharts(dir, results) {
  const rows = [];
  for (const result of results) {
    const scenario = SCENARIOS.find((s) => s.id === result.scenario);
    if (scenario?.routeCount === undefined) continue;
    for (const variant of result.variants) {
      rows.push({
        family: scenario.family,
        adapter: result.adapter,
        variant,
        routeCount: scenario.routeCount,
        cpu: result.cpuMedians[variant],
        rps: result.medians[variant],
      });
    }
  }
  return writeAll(
    dir,
    FAMILIES.flatMap(({ family, what }) => {
      const ofFamily = rows.filter((row) => row.family === family);
      return [
        {
          file: `${family}-cpu.svg`,
          title: `Server CPU per ${what}`,
          yLabel: 'CPU µs per request (median)',
          series: seriesOf(ofFamily.map((row) => ({ ...row, value: row.cpu }))),
        },
        {
          file: `${family}-rps.svg`,
          title: `Requests per second, ${what}`,
          yLabel: 'requests/s (median)',
          series: seriesOf(ofFamily.map((row) => ({ ...row, value: row.rps }))),
        },
      ].map((chart) => ({ ...chart, xLabel: 'routes in the app', logX: true }));
    }),
  );
}

/**
 * From bench/startup.mjs's rows (`{ adapter, variant, routeCount, medians }`): heap after startup,
 * time from process start and from `NestFactory.create` to listening, against route count,
 * `startup-heap.svg`, `startup-boot.svg`, `startup-create.svg`.
 *
 * @returns the files written.
 */
export function writeStartupCharts(dir, rows) {
  const measure = (key, scale = 1) =>
    seriesOf(rows.map((row) => ({ ...row, value: row.medians[key] / scale })));
  return writeAll(
    dir,
    [
      {
        file: 'startup-heap.svg',
        title: 'Heap used after startup (after a full GC)',
        yLabel: 'MB (median)',
        series: measure('heapUsed', 1024 * 1024),
      },
      {
        file: 'startup-boot.svg',
        title: 'Time from process start to listening',
        yLabel: 'ms (median)',
        series: measure('bootToListening'),
      },
      {
        file: 'startup-create.svg',
        title: 'Time from NestFactory.create() to listening',
        yLabel: 'ms (median)',
        series: measure('createToListening'),
      },
    ].map((chart) => ({ ...chart, xLabel: 'routes in the app', logX: true })),
  );
}
