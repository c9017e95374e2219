// CPU profile of one app variant under load: starts it with `node --cpu-prof`, drives it with
// autocannon, closes it so that the profile is written, then prints the functions with the most
// self time, overall and in nestjs-cors's own code (dist/ paths mapped back to lib/*.ts).
//
//   node bench/profile.mjs --scenario allowed --adapter express [--variant module] [--seconds 10]
//                          [--top 15] [--keep DIR] [--library DIR]
//
// Runs the built dist/ (npm run build first), or with --library the built dist/ of the checkout
// DIR (as bench/run.mjs --library). The .cpuprofile can be opened in Chrome DevTools.
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT_DIR, load, markdownTable, parseArgs, startApp } from './support/harness.mjs';
import { scenarioById } from './support/scenarios.mjs';

const args = parseArgs(process.argv.slice(2), {
  scenario: 'allowed',
  adapter: 'express',
  variant: 'module',
  seconds: 10,
  top: 15,
  keep: '',
  library: '',
});
/** The checkout whose dist/ and lib/ the profile is of. */
const libraryRoot = args.library ? resolve(args.library) : ROOT_DIR;

/** Self time (ms) per function, from a .cpuprofile. */
function selfTimes(profile) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const byFunction = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    total += ms;
    const { functionName, url, lineNumber } = byNode.get(id).callFrame;
    const key = `${functionName}\u0000${url}\u0000${lineNumber}`;
    const entry = byFunction.get(key) ?? { functionName, url, line: lineNumber + 1, ms: 0 };
    entry.ms += ms;
    byFunction.set(key, entry);
  }
  return { functions: [...byFunction.values()].sort((a, b) => b.ms - a.ms), total };
}

function location(url) {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(libraryRoot) ? relative(libraryRoot, path) : path;
}

/** `dist/esm/hooks/x.js:12` -> `lib/hooks/x.ts:N`, the line in lib/ that declares the function. */
function libLocation(fn) {
  const path = location(fn.url);
  const match = /^dist\/(?:esm|cjs)\/(.+)\.js$/.exec(path);
  if (match === null) return `${path}:${fn.line}`;
  const libFile = `lib/${match[1]}.ts`;
  const name = fn.functionName.replace(/^get |^set /, '');
  if (name !== '' && name !== '(anonymous)') {
    const lines = readFileSync(join(libraryRoot, libFile), 'utf8').split('\n');
    // `function name(`, a method `name(`, or `name = (` / `name: Type = (` / `name: (`.
    const declaration = new RegExp(
      `(function\\s+${name}\\b|^\\s*(private |static |async |get |set )*${name}\\s*\\(|\\b${name}\\b\\s*(:[^=(]*)?[:=]\\s*(async\\s*)?\\()`,
    );
    const index = lines.findIndex((text) => declaration.test(text));
    if (index !== -1) return `${libFile}:${index + 1}`;
  }
  return `${libFile} (dist line ${fn.line})`;
}

async function main() {
  const scenario = scenarioById(args.scenario);
  const dir = args.keep || mkdtempSync(join(tmpdir(), 'nestjs-cors-profile-'));
  mkdirSync(dir, { recursive: true });
  const app = await startApp({
    adapter: args.adapter,
    variant: args.variant,
    scenario: scenario.id,
    library: args.library ? libraryRoot : undefined,
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  let rps;
  try {
    await load(app.url, scenario.requests, { seconds: 2 });
    ({ rps } = await load(app.url, scenario.requests, { seconds: args.seconds }));
  } finally {
    await app.close();
  }
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile written in ${dir}`);
  const { functions, total } = selfTimes(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  const pct = (ms) => `${((ms / total) * 100).toFixed(1)}%`;

  console.log(
    `profile: ${args.adapter}/${args.variant}/${scenario.id}, ${Math.round(rps)} req/s under ` +
      `--cpu-prof, ${(total / 1000).toFixed(1)} s sampled (warm-up included)`,
  );
  console.log('\n### Top self time, all code\n');
  console.log(
    markdownTable(
      ['self', 'function', 'where'],
      functions
        .slice(0, args.top)
        .map((fn) => [
          pct(fn.ms),
          fn.functionName || '(anonymous)',
          `${location(fn.url)}:${fn.line}`,
        ]),
    ),
  );
  const ours = functions.filter((fn) => /^dist\/(esm|cjs)\//.test(location(fn.url)));
  const oursTotal = ours.reduce((sum, fn) => sum + fn.ms, 0);
  console.log(`\n### Top self time in nestjs-cors (all of it: ${pct(oursTotal)})\n`);
  console.log(
    markdownTable(
      ['self', 'function', 'lib/'],
      ours
        .slice(0, args.top)
        .map((fn) => [pct(fn.ms), fn.functionName || '(anonymous)', libLocation(fn)]),
    ),
  );
  if (args.keep) console.log(`\nprofile: kept ${join(dir, file)}`);
  else rmSync(dir, { recursive: true, force: true });
}

await main();
