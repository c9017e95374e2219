// Instructions that the first request hook itself executes for the CORS GET (`allowed`), against
// the bare hook's, without the server around it: the app of a variant (bench/support/app-factory.mjs,
// as bench/run.mjs builds it) runs under `valgrind --tool=callgrind --instr-atstart=no`, gets one
// real request, and a probe placed after the first hook (a later `onRequest` hook on Fastify, a
// later middleware on Express) calls that first hook again on the same request and response, its
// headers emptied before each call (as every variant finds them on a new request): W
// times uncounted, then N times and 2N times with instrumentation on, each dumped by
// `callgrind_control` (which the app runs on itself). Per call: (I(2N) - I(N)) / N.
//
//   node bench/cors-get-hook-instructions.mjs [--adapter express,fastify] [--variants bare,module]
//       [--calls 20000] [--warmup 50000] [--repeats 3] [--library DIR] [--libraries a=DIR,b=DIR]
//
// `--library`/`--libraries` as in bench/cors-get-instructions.mjs. Each run is its own process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callgrindArgs, libraryColumns } from './support/callgrind.mjs';
import { median, parseArgs } from './support/harness.mjs';

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]));
else await main();

async function child({ adapter, variant, library, calls, warmup }) {
  const { createBenchApp } = await import('./support/app-factory.mjs');
  const { scenarioById } = await import('./support/scenarios.mjs');
  const scenario = scenarioById('allowed');
  const app = await createBenchApp({ adapter, variant, scenario, library });
  const instance = app.getHttpAdapter().getInstance();
  const control = (option) => {
    const result = spawnSync('callgrind_control', [option, String(process.pid)]);
    if (result.status !== 0) throw new Error(`callgrind_control ${option}: ${result.stderr}`);
  };
  const totals = [];
  const noop = () => {};
  // Each call finds the response as a request's first hook does: no header set yet (else the
  // module would merge into the `Vary` of the call before). The same reset for every variant.
  const fresh = (response) => {
    const target = response;
    const name = adapter === 'fastify' ? 'fastify.reply.headers' : 'kOutHeaders';
    const symbol = Object.getOwnPropertySymbols(target).find((s) => s.description === name);
    if (symbol === undefined) throw new Error(`no ${name}`);
    return adapter === 'fastify' ? () => (target[symbol] = {}) : () => (target[symbol] = null);
  };
  const run = (hook, request, response) => {
    const reset = fresh(response);
    const call = () => {
      reset();
      hook(request, response, noop);
    };
    for (let i = 0; i < warmup; i++) call();
    control('--instr=on');
    for (let i = 0; i < 1000; i++) call();
    for (const n of [calls, 2 * calls, calls, 2 * calls]) {
      control('--zero');
      for (let i = 0; i < n; i++) call();
      control('--dump');
      totals.push(n);
    }
  };
  if (adapter === 'fastify') {
    instance.addHook('onRequest', (request, reply, done) => {
      const symbol = Object.getOwnPropertySymbols(instance).find(
        (s) => s.description === 'fastify.hooks',
      );
      run(instance[symbol].onRequest[0], request, reply);
      done();
    });
  } else {
    const probe = (request, response, next) => {
      run((instance.router ?? instance._router).stack[0].handle, request, response);
      next();
    };
    app.use(probe);
    await app.init();
    // Right after the first hook, ahead of the routes even where the app was set up already.
    const stack = (instance.router ?? instance._router).stack;
    stack.splice(
      1,
      0,
      ...stack.splice(
        stack.findIndex((layer) => layer.handle === probe),
        1,
      ),
    );
  }
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  const { request: get } = await import('node:http');
  await new Promise((resolve, reject) => {
    const { path, headers } = scenario.requests[0];
    const req = get({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
  await app.close();
  process.exit(0);
}

function total(file) {
  return Number(/^(?:totals|summary):\s+(\d+)/m.exec(readFileSync(file, 'utf8'))[1]);
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    adapter: 'express,fastify',
    variants: 'bare,module',
    calls: 20_000,
    warmup: 50_000,
    repeats: 3,
    library: '',
    libraries: '',
  });
  const columns = libraryColumns(args.variants, args.library, args.libraries);
  const outDir = mkdtempSync(join(tmpdir(), 'nestjs-cors-hook-'));
  const rows = [];
  for (const adapter of args.adapter.split(',')) {
    for (const column of columns) {
      const perCall = [];
      for (let r = 0; r < args.repeats; r++) {
        const config = {
          adapter,
          variant: column.variant,
          library: column.library,
          calls: args.calls,
          warmup: args.warmup,
        };
        const proc = spawn(
          'valgrind',
          [
            ...callgrindArgs(join(outDir, 'cg.%p'), { perThread: true }),
            process.execPath,
            SELF,
            '--child',
            JSON.stringify(config),
          ],
          { stdio: ['ignore', 'ignore', 'inherit'] },
        );
        const code = await new Promise((resolve) => proc.once('exit', resolve));
        if (code !== 0) throw new Error(`${adapter}/${column.id} exited ${code}`);
        const t = [1, 2, 3, 4].map((n) => total(join(outDir, `cg.${proc.pid}.${n}-01`)));
        perCall.push((t[1] - t[0]) / args.calls, (t[3] - t[2]) / args.calls);
        console.error(
          `${adapter} ${column.id}: ${perCall.slice(-2).map(Math.round).join(' ')} instructions/call`,
        );
      }
      rows.push(
        `| ${adapter} | ${column.id} | ${Math.round(median(perCall))} | ${Math.round(Math.min(...perCall))} | ${Math.round(Math.max(...perCall))} |`,
      );
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  console.log('| adapter | variant | instructions per hook call (median) | min | max |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);
}
