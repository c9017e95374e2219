// Server cost of one request as a count of executed instructions, which does not depend on the
// load of the machine (unlike req/s and CPU time): made for the CORS GET against the bare hook
// (issue 19), usable for any scenario with one request. Each variant's app (bench/app.mjs, built
// by bench/support/app-factory.mjs exactly as bench/run.mjs builds it) runs under
// `valgrind --tool=callgrind --instr-atstart=no`; this process (not under valgrind) sends it the
// scenario's request over keep-alive connections. After a warm-up with instrumentation off,
// `callgrind_control --instr=on` switches it on, and after `--settle` more requests, for each segment of K requests,
// `callgrind_control --zero` zeroes the counters and `--dump` writes them once the K answers are
// in. Per request: (I(K2) - I(K1)) / (K2 - K1), from consecutive segments of K1 and K2 requests,
// so that whatever a segment costs once cancels out. Each repeat is a new process (variants
// alternate), so the spread across repeats includes JIT tiering and GC timing.
//
//   node bench/cors-get-instructions.mjs [--adapter express,fastify]
//       [--variants none,bare,enableCors,module] [--scenario allowed] [--repeats 3] [--pairs 2]
//       [--k1 1000] [--k2 3000] [--warmup 6000] [--settle 500] [--connections 4] [--library DIR]
//       [--libraries name=DIR,name=DIR] [--json FILE]
//
// Build first (`npm run build`). `--library DIR`: nestjs-cors from DIR's dist/ (a checkout or a
// copy whose node_modules resolves Nest to the same files, e.g. a symlink to this one's).
// `--libraries a=DIR1,b=DIR2`: the `module` variant once per named build, as `module:a`, ...
// (ablations: copies of dist/ with one thing changed). Needs valgrind (callgrind_control);
// Linux only. About 1.5 minutes per process with the defaults.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callgrindArgs, libraryColumns, stopChild } from './support/callgrind.mjs';
import { BENCH_DIR, median, parseArgs } from './support/harness.mjs';
import { scenarioById } from './support/scenarios.mjs';

const args = parseArgs(process.argv.slice(2), {
  adapter: 'express,fastify',
  variants: 'none,bare,enableCors,module',
  scenario: 'allowed',
  repeats: 3,
  pairs: 8,
  k1: 200,
  k2: 600,
  warmup: 3000,
  settle: 300,
  connections: 1,
  library: '',
  libraries: '',
  nodeArgs: '--max-semi-space-size=64',
  // One request at a time: how many requests one wake-up reads must not depend on timing.
  json: '',
});

const APP_ENTRY = join(BENCH_DIR, 'app.mjs');
const START_TIMEOUT_MS = 300_000;
const scenario = scenarioById(args.scenario);
const request = scenario.requests[0];
const adapters = args.adapter.split(',').filter(Boolean);
const outDir = mkdtempSync(join(tmpdir(), 'nestjs-cors-callgrind-'));

/** `{ id, variant, library }` for each measured column. */
const columns = libraryColumns(args.variants, args.library, args.libraries);

function callgrindControl(option, pid) {
  const result = spawnSync('callgrind_control', [option, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`callgrind_control ${option} ${pid}: ${result.stderr || result.stdout}`);
}

/** The instruction total of dump number `n` of `pid`. */
function dumpTotal(pid, n) {
  // The main thread's own file: V8's background threads (concurrent compilation and marking)
  // are left out, whose share of a segment depends on timing.
  const file = join(outDir, `cg.${pid}.${n}-01`);
  const match = /^(?:totals|summary):\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
  if (match === null) throw new Error(`no totals in ${file}`);
  return Number(match[1]);
}

function startUnderCallgrind({ adapter, variant, library }) {
  const config = JSON.stringify({ adapter, variant, scenario: scenario.id, library });
  const child = spawn(
    'valgrind',
    [
      ...callgrindArgs(join(outDir, 'cg.%p'), { perThread: true }),
      process.execPath,
      ...args.nodeArgs.split(' ').filter(Boolean),
      APP_ENTRY,
      config,
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${adapter}/${variant} did not start`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${adapter}/${variant} exited (${code}): ${stderr}`));
    });
    child.on('message', (message) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ child, port: message.port });
    });
  });
}

/** Sends `count` copies of the scenario's request over `--connections` keep-alive connections. */
async function send(port, count, agent, expectAllowed) {
  let sent = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: request.method,
          path: request.path,
          headers: request.headers,
          agent,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
            else if (expectAllowed && res.headers['access-control-allow-origin'] === undefined)
              reject(new Error('no Access-Control-Allow-Origin'));
            else resolve();
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  const worker = async () => {
    while (sent < count) {
      sent++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: args.connections }, worker));
}

/** One process of one column: instructions per request from `--pairs` (K1, K2) segment pairs. */
async function measure(adapter, column) {
  const { child, port } = await startUnderCallgrind({ adapter, ...column });
  const agent = new Agent({ keepAlive: true, maxSockets: args.connections });
  const expectAllowed = scenario.allowed === true && column.variant !== 'none';
  const pid = child.pid;
  try {
    await send(port, args.warmup, agent, expectAllowed);
    callgrindControl('--instr=on', pid);
    // Code is translated again once instrumented: a first segment that is not counted.
    await send(port, args.settle, agent, expectAllowed);
    let dumps = 0;
    const segment = async (k) => {
      callgrindControl('--zero', pid);
      await send(port, k, agent, expectAllowed);
      callgrindControl('--dump', pid);
      dumps++;
      return dumpTotal(pid, dumps);
    };
    const small = [];
    const large = [];
    for (let p = 0; p < args.pairs; p++) {
      small.push(await segment(args.k1));
      large.push(await segment(args.k2));
    }
    // Medians: a segment with a full collection or an optimising compilation in it is an outlier.
    const pairs = [
      {
        i1: median(small),
        i2: median(large),
        perRequest: (median(large) - median(small)) / (args.k2 - args.k1),
        segments: { small, large },
      },
    ];
    return pairs;
  } finally {
    await stopChild(child, agent);
  }
}

const results = [];
for (let r = 0; r < args.repeats; r++) {
  for (const adapter of adapters) {
    for (const column of columns) {
      for (const pair of await measure(adapter, column)) {
        results.push({ adapter, column: column.id, repeat: r, ...pair });
        console.error(
          `${adapter} ${column.id} repeat ${r + 1}: ${Math.round(pair.perRequest)} instructions/request ` +
            `(median I(${args.k1}) = ${pair.i1}, I(${args.k2}) = ${pair.i2}; per request in ` +
            `segments of ${args.k1}: ${pair.segments.small.map((i) => Math.round(i / args.k1)).join(' ')})`,
        );
      }
    }
  }
}
rmSync(outDir, { recursive: true, force: true });

console.log(
  `\nInstructions per request, scenario ${scenario.id}, K1 = ${args.k1}, K2 = ${args.k2}, ` +
    `warm-up ${args.warmup}, ${args.connections} connections, ${args.repeats} process(es) x ` +
    `${args.pairs} pair(s) per column\n`,
);
console.log('| adapter | variant | median | min | max | spread | median vs bare |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const adapter of adapters) {
  const of = (id) =>
    results.filter((x) => x.adapter === adapter && x.column === id).map((x) => x.perRequest);
  const bare = of('bare');
  for (const column of columns) {
    const values = of(column.id);
    const m = median(values);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const vsBare = bare.length > 0 ? `${((m / median(bare) - 1) * 100).toFixed(1)}%` : '';
    console.log(
      `| ${adapter} | ${column.id} | ${Math.round(m)} | ${Math.round(lo)} | ${Math.round(hi)} | ` +
        `${(((hi - lo) / m) * 100).toFixed(1)}% | ${vsBare} |`,
    );
  }
}
if (args.json !== '') writeFileSync(args.json, JSON.stringify(results, null, 2));
