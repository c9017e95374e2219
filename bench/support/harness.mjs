// Process and load plumbing shared by the benchmark scripts: start an app variant in its own
// process, check what it answers, and drive it with autocannon.
import { fork, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = dirname(BENCH_DIR);
const APP_ENTRY = join(BENCH_DIR, 'app.mjs');
const START_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Which library source a run measured (this checkout's, or the one at `root`): the commit, and the
 * lib/ files that differ from it (another engineer's edits in progress, for instance), so that a
 * result can be tied to its code.
 */
export function describeSource(root = ROOT_DIR) {
  const git = (...gitArgs) =>
    spawnSync('git', gitArgs, { cwd: root, encoding: 'utf8' }).stdout?.trimEnd() ?? '';
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  // Not trimmed at the start: each porcelain line begins with a 2-column status, often a space.
  const changed = git('status', '--porcelain', '--', 'lib').split('\n').filter(Boolean);
  return changed.length === 0
    ? `commit ${commit}, lib/ unchanged`
    : `commit ${commit} with ${changed.length} changed file(s) in lib/ (${changed
        .map((line) => line.slice(3))
        .join(', ')})`;
}

/** Builds dist/ with the repository's own build script; exits the process if the build fails. */
export function buildLibrary() {
  const result = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    console.error(`bench: npm run build failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

/**
 * Starts one app in its own process and waits until it listens, with nestjs-cors from the
 * checkout `library` (a directory with a built `dist/`), or from this one when it is `undefined`.
 *
 * @returns `{ port, url, timing, memory(), close() }` (`timing`: see bench/app.mjs); rejects if it fails or takes longer than 30 s.
 */
export function startApp({ adapter, variant, scenario, library, execArgv = [] }) {
  const child = fork(APP_ENTRY, [JSON.stringify({ adapter, variant, scenario, library })], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const name = `${adapter}/${variant}/${scenario}`;
  let exited = false;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening (code ${code}, signal ${signal})`));
    });
    child.on('message', function onReady(message) {
      if (message?.type !== 'ready') return;
      child.off('message', onReady);
      clearTimeout(timer);
      const port = message.port;
      resolve({
        name,
        pid: child.pid,
        port,
        timing: message.timing,
        url: `http://127.0.0.1:${port}`,
        memory: () =>
          new Promise((resolveMemory, rejectMemory) => {
            if (exited) {
              rejectMemory(new Error(`${name} has exited`));
              return;
            }
            child.on('message', function onMemory(reply) {
              if (reply?.type !== 'memory') return;
              child.off('message', onMemory);
              resolveMemory(reply.usage);
            });
            child.send({ type: 'memory' });
          }),
        close: async () => {
          if (exited) return exit;
          child.send({ type: 'close' });
          const timeout = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
          const result = await exit;
          clearTimeout(timeout);
          return result;
        },
      });
    });
  });
}

/** Clock ticks per second, the unit of CPU times in `/proc/<pid>/stat` (`getconf CLK_TCK`). */
export const CLOCK_TICKS_PER_SECOND =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/**
 * CPU time a process has used so far, user plus system, in clock ticks (fields 14 and 15 of
 * `/proc/<pid>/stat`, all of its threads), or `undefined` where there is no `/proc` (not Linux) or
 * the process is gone. Read from outside, so that measuring costs the process nothing.
 */
export function cpuTicks(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name, field 2, is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}

/** Sends one request over a fresh connection and returns `{ status, headers }`. */
export function probe(url, { method, path, headers }) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`probe of ${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

let sentIds = 0;

/**
 * An id this process has never produced: a request with `idPrefix` goes to `idPrefix` + one of these
 * instead of its `path`, so that every request of a run has a path no server has seen.
 */
function freshId() {
  return `u${(sentIds++).toString(36)}`;
}

/**
 * Drives `url` with autocannon, each connection cycling through `requests`, for `seconds` or for
 * `amount` requests in all. autocannon only stops on a sampling tick (every second by default), so
 * the tick is 10 ms here: short rounds end on time, and a round of `amount` requests does not sit
 * idle for most of a second after its last response. A request with `idPrefix` is sent to
 * `idPrefix` + a fresh id each time (see {@link freshId}).
 *
 * @returns `{ rps, total, statusCounts, errors, timeouts }`, requests per second counted over the
 *   round's own wall-clock time.
 */
export async function load(url, requests, { seconds, amount, connections = 10 }) {
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url,
    connections,
    sampleInt: 10,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    // Fresh objects: autocannon stores the built request buffers on them.
    requests: requests.map((r) => ({
      method: r.method,
      path: r.path,
      headers: { ...r.headers },
      // autocannon rebuilds a request with setupRequest each time it sends it.
      ...(r.idPrefix === undefined
        ? {}
        : {
            setupRequest(request) {
              request.path = `${r.idPrefix}${freshId()}`;
              return request;
            },
          }),
    })),
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const statusCounts = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {}))
    statusCounts[status] = Number(count);
  const total = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
  return {
    rps: total / elapsed,
    total,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Reads `--name value` and `--flag` options. */
export function parseArgs(argv, defaults) {
  const options = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const name = arg.slice(2);
    if (!(name in defaults)) throw new Error(`unknown option ${arg}`);
    if (typeof defaults[name] === 'boolean') options[name] = true;
    else if (typeof defaults[name] === 'number') options[name] = Number(argv[++i]);
    else options[name] = argv[++i];
    if (options[name] === undefined || Number.isNaN(options[name]))
      throw new Error(`${arg} needs a value`);
  }
  return options;
}

/** A Markdown table from a header row and rows of cells. */
export function markdownTable(header, rows, align) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const rule = header.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}
