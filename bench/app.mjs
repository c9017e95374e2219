// One benchmark app in its own process, started by bench/run.mjs, bench/memory.mjs or
// bench/profile.mjs through child_process.fork(). Argument: JSON { adapter, variant, scenario,
// library }, `library` the checkout whose dist/ to load nestjs-cors from (this one's if absent).
// Listens on 127.0.0.1 on a free port, then talks over IPC:
//   -> { type: 'ready', port, timing }            once listening; timing in ms: `bootToListening`
//                                                 since the process started, `createToListening`
//                                                 since NestFactory.create was called
//   <- { type: 'memory' }  -> { type: 'memory', usage }   (after a full GC when run with --expose-gc)
//   <- { type: 'close' }   closes the app and exits 0 (so that --cpu-prof writes its profile)
import { createBenchApp } from './support/app-factory.mjs';
import { scenarioById } from './support/scenarios.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');

async function main() {
  const scenario = scenarioById(config.scenario);
  const app = await createBenchApp({
    adapter: config.adapter,
    variant: config.variant,
    scenario,
    library: config.library,
  });
  await app.listen(0, '127.0.0.1');
  const listening = performance.now();
  const { port } = app.getHttpServer().address();
  // performance.now() counts from the process's start (its time origin).
  const timing = {
    bootToListening: listening,
    createToListening: listening - performance.getEntriesByName('nest-create')[0].startTime,
  };

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message?.type === 'memory') {
      if (typeof globalThis.gc === 'function') globalThis.gc();
      process.send({ type: 'memory', usage: process.memoryUsage() });
    } else if (message?.type === 'close') {
      void close();
    }
  });
  // The parent went away without asking: do not linger.
  process.on('disconnect', () => void close());
  process.send({ type: 'ready', port, timing });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
