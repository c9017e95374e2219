// Instructions per request under valgrind's callgrind (a count that does not swing with the load of
// a shared machine), for scenarios with many requests such as issue 19's unique-id preflights.
// The app of a scenario (bench/app.mjs, built exactly as bench/run.mjs builds it) runs under
// `valgrind --tool=callgrind --instr-atstart=no`, node with `--single-threaded` (the JIT compiles
// on the main thread, where it is counted). This process, outside valgrind, sends the scenario's
// requests one after the other over one keep-alive connection, a request with an `idPrefix` to a
// fresh id each time. After `--warmup` requests uninstrumented and `--settle` instrumented ones,
// segments of K1 and K2 requests are counted (`callgrind_control --zero`, then `--dump`); per
// request: (I(K2) - I(K1)) / (K2 - K1), so that what a segment costs once cancels out.
//
//   node bench/instructions.mjs [--scenario preflight-ids] [--routes 100,1000,5000]
//       [--variants enableCors,module] [--k 500,1500] [--pairs 2] [--warmup 3000] [--settle 300]
//       [--libraries name=DIR,...] [--library DIR] [--connections 1] [--keep] [--split]
//
// `--scenario` is a scenario id (`disallowed`, `preflight-ids-1000`), or a route-count family
// (`preflight-ids`, `put-ids`) run at each of `--routes`. `--library DIR`: nestjs-cors from DIR's built dist/ (a copy whose node_modules
// resolves Nest to this checkout's), else this checkout's dist/ (npm run build first).
// `--libraries a=DIR1,b=DIR2`: the `module` variant once per named build, as `module:a`, ... (for
// ablations: builds with one thing changed). Prints a Markdown table; the median of the pairs.
// `--connections C` (default 1): C keep-alive connections at once, each sending its share of a
// segment one request after the other, as autocannon loads a server (requests then arrive several
// to an event-loop turn); with C > 1 each connection starts at its own place in `requests`.
// `--keep`: keeps the dumps (one per segment, K1 then K2) for `callgrind_annotate`. `--split`: also
// prints, over all segments, instructions per request of V8's garbage collector, of its optimizing
// compilers, and the rest (by function name in `callgrind_annotate`): the collector's share swings
// from segment to segment, so the difference of two segments alone can mislead.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, median, parseArgs } from './support/harness.mjs';
import { callgrindArgs, libraryColumns, stopChild } from './support/callgrind.mjs';
import { SCENARIOS, scenarioById } from './support/scenarios.mjs';

const args = parseArgs(process.argv.slice(2), {
  scenario: 'preflight-ids',
  routes: '100,1000,5000',
  variants: 'enableCors,module',
  k: '500,1500',
  pairs: 2,
  warmup: 3000,
  settle: 300,
  library: '',
  libraries: '',
  adapter: 'express',
  keep: false,
  split: false,
  connections: 1,
});

const APP_ENTRY = join(BENCH_DIR, 'app.mjs');
const outDir = mkdtempSync(join(tmpdir(), 'nestjs-cors-instructions-'));
const [K1, K2] = args.k.split(',').map(Number);
let sent = 0;

function control(option, pid) {
  const result = spawnSync('callgrind_control', [option, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`callgrind_control ${option}: ${result.stderr}`);
}

function dumpTotal(pid, n) {
  const text = readFileSync(join(outDir, `cg.${pid}.${n}`), 'utf8');
  return Number(/^(?:totals|summary):\s+(\d+)/m.exec(text)[1]);
}

/** Of a dump, the instructions of V8's garbage collector and of its optimizing compilers. */
function dumpSplit(pid, n) {
  const { stdout } = spawnSync(
    'callgrind_annotate',
    ['--threshold=100', join(outDir, `cg.${pid}.${n}`)],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const split = { gc: 0, compiler: 0 };
  for (const line of stdout.split('\n')) {
    const match = /^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$/.exec(line);
    if (match === null || line.includes('PROGRAM TOTALS')) continue;
    const count = Number(match[1].replaceAll(',', ''));
    const name = match[2];
    if (/compiler::|maglev|turboshaft/i.test(name)) split.compiler += count;
    else if (
      /Scaveng|MarkCompact|Heap::|GC|Sweep|Marking|Evacuat|heap::|MemoryAllocator|PagedSpace|RememberedSet|SlotSet/.test(
        name,
      )
    )
      split.gc += count;
  }
  return split;
}

function start(config) {
  const child = spawn(
    'valgrind',
    [
      ...callgrindArgs(join(outDir, 'cg.%p'), { perThread: false }),
      process.execPath,
      '--single-threaded',
      APP_ENTRY,
      JSON.stringify(config),
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited (${code}): ${stderr}`)));
    child.on('message', (message) => {
      if (message?.type === 'ready') resolve({ child, port: message.port });
    });
  });
}

/**
 * Sends `count` requests over `agents.length` connections at once, each cycling through `requests`
 * from its own offset, one request after the other; checks the status.
 */
async function send(port, requests, count, agents, status) {
  const share = Math.ceil(count / agents.length);
  const offset = Math.floor(requests.length / agents.length);
  await Promise.all(
    agents.map((agent, c) => sendOne(port, requests, share, agent, status, c * offset)),
  );
}

async function sendOne(port, requests, count, agent, status, offset) {
  for (let i = 0; i < count; i++) {
    const r = requests[(offset + i) % requests.length];
    const path = r.idPrefix === undefined ? r.path : `${r.idPrefix}u${(sent++).toString(36)}`;
    const got = await new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: r.method, path, headers: r.headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', reject);
      req.end();
    });
    if (got !== status) throw new Error(`${r.method} ${path}: status ${got}, expected ${status}`);
  }
}

async function measure(scenario, column) {
  const { child, port } = await start({
    adapter: args.adapter,
    variant: column.variant,
    scenario: scenario.id,
    library: column.library,
  });
  const agents = Array.from(
    { length: Number(args.connections) },
    () => new Agent({ keepAlive: true, maxSockets: 1 }),
  );
  const status = scenario.preflight ? 204 : 200;
  const pid = child.pid;
  try {
    await send(port, scenario.requests, args.warmup, agents, status);
    control('--instr=on', pid);
    await send(port, scenario.requests, args.settle, agents, status);
    let dumps = 0;
    const segment = async (k) => {
      control('--zero', pid);
      await send(port, scenario.requests, k, agents, status);
      control('--dump', pid);
      return dumpTotal(pid, ++dumps);
    };
    const perRequest = [];
    for (let p = 0; p < args.pairs; p++) {
      const i1 = await segment(K1);
      const i2 = await segment(K2);
      perRequest.push((i2 - i1) / (K2 - K1));
    }
    perRequest.pid = pid;
    if (args.split) {
      // Over all segments: the collector's and the compilers' work lands in whichever segment it
      // happens to fall, so a per-request figure for them needs every request counted.
      let total = 0;
      let gc = 0;
      let compiler = 0;
      for (let n = 1; n <= dumps; n++) {
        total += dumpTotal(pid, n);
        const split = dumpSplit(pid, n);
        gc += split.gc;
        compiler += split.compiler;
      }
      const requests = args.pairs * (K1 + K2);
      perRequest.split = {
        all: total / requests,
        gc: gc / requests,
        compiler: compiler / requests,
        rest: (total - gc - compiler) / requests,
      };
    }
    return perRequest;
  } finally {
    await stopChild(child, agents);
  }
}

const columns = libraryColumns(args.variants, args.library, args.libraries);
const ids = SCENARIOS.some((s) => s.id === args.scenario)
  ? [args.scenario]
  : args.routes.split(',').map((n) => `${args.scenario}-${n}`);
const rows = [];
for (const id of ids) {
  const scenario = scenarioById(id);
  const row = { id, cells: {} };
  for (const column of columns) {
    const values = await measure(scenario, column);
    row.cells[column.id] = median(values);
    console.error(
      `${id} ${column.id}: ${values.map(Math.round).join(', ')} instructions/request` +
        (args.keep ? ` (dumps: ${outDir}/cg.${values.pid}.*)` : '') +
        (values.split === undefined
          ? ''
          : `; over all segments, per request: ${Object.entries(values.split)
              .map(([name, value]) => `${name} ${Math.round(value)}`)
              .join(', ')}`),
    );
  }
  rows.push(row);
}
if (!args.keep) rmSync(outDir, { recursive: true, force: true });
const first = columns[0].id;
const line = (cells) => console.log(`| ${cells.join(' | ')} |`);
const others = columns.slice(1);
line(['scenario', ...columns.map((c) => c.id), ...others.map((c) => `${c.id} / ${first}`)]);
line(['---', ...columns.map(() => '---:'), ...others.map(() => '---:')]);
for (const row of rows) {
  line([
    row.id,
    ...columns.map((c) => Math.round(row.cells[c.id]).toLocaleString('en-US')),
    ...others.map((c) => (row.cells[c.id] / row.cells[first]).toFixed(3)),
  ]);
}
