// Writes the charts of cost against route count (issue 19) from the `--json` files of earlier runs,
// without measuring again: the same SVGs as `--chart DIR` of bench/run.mjs and bench/startup.mjs.
//
//   node bench/chart.mjs --run http.json --startup startup.json [--out bench/charts]
//
// Either file may be left out. Exit code 1 when neither is given or nothing could be charted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRunCharts, writeStartupCharts } from './support/charts.mjs';
import { BENCH_DIR, parseArgs } from './support/harness.mjs';

const args = parseArgs(process.argv.slice(2), {
  run: '',
  startup: '',
  out: join(BENCH_DIR, 'charts'),
});
if (!args.run && !args.startup) {
  console.error('chart: give --run FILE (bench/run.mjs --json) and/or --startup FILE');
  process.exit(1);
}
const read = (file) => JSON.parse(readFileSync(file, 'utf8'));
const written = [
  ...(args.run ? writeRunCharts(args.out, read(args.run).results) : []),
  ...(args.startup ? writeStartupCharts(args.out, read(args.startup).rows) : []),
];
for (const file of written) console.log(`chart: wrote ${file}`);
if (written.length === 0) {
  console.error('chart: nothing to chart (no route-count scenario or startup row in the files)');
  process.exit(1);
}
