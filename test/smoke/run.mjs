// Packaging smoke tests: pack nestjs-cors the way npm publishes it, install the tarball into the
// throwaway apps of test/smoke/apps/*, and run each app's own `npm test`.
//
//   node test/smoke/run.mjs [app ...]
//
// `npm pack` runs the `prepack` script, so dist/ is rebuilt first. The apps are copied to
// <tmpdir>/nestjs-cors-smoke/<app> (SMOKE_DIR overrides it) and installed with
// `npm install --no-audit --no-fund`, from the npm registry plus the local tarball. Prints one
// line per app and a final `N passed, N failed`; exits non-zero if any app failed.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const appsDir = join(root, 'test', 'smoke', 'apps');
/** Files every app uses (the app and its checks), copied next to each app's own files. */
const sharedDir = join(root, 'test', 'smoke', 'shared');
// Outside the repository by default: Node looks for a package in every node_modules up the tree,
// and under the repository an app would find the repository's own devDependencies
// (@nestjs/websockets, socket.io, ...), which it must not see when it proves it runs without them.
const workDir = process.env.SMOKE_DIR
  ? resolve(root, process.env.SMOKE_DIR)
  : join(tmpdir(), 'nestjs-cors-smoke');
if ((workDir + sep).startsWith(root + sep)) {
  console.log(
    `smoke: ${workDir} is inside the repository: the apps can also load its node_modules, so a missing dependency may go unnoticed`,
  );
}
/** A path as printed: relative to the repository when inside it. */
const shown = (path) => ((path + sep).startsWith(root + sep) ? relative(root, path) : path);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const allApps = readdirSync(appsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const selected = process.argv.slice(2);
const unknown = selected.filter((name) => !allApps.includes(name));
if (unknown.length > 0) {
  console.error(`smoke: unknown app(s) ${unknown.join(', ')}; known: ${allApps.join(', ')}`);
  process.exit(2);
}
const apps = selected.length > 0 ? selected : allApps;

/** Runs a command, appending its output to logFile; returns true when it exits 0. */
function run(command, args, { cwd, logFile, timeoutMs }) {
  writeFileSync(logFile, `$ ${command} ${args.join(' ')}  (in ${cwd})\n`, { flag: 'a' });
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_ENV: 'test', npm_config_update_notifier: 'false' },
  });
  writeFileSync(logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`, { flag: 'a' });
  if (result.error) writeFileSync(logFile, `${result.error.message}\n`, { flag: 'a' });
  const exit = result.status ?? result.signal ?? 'error';
  writeFileSync(logFile, `[exit ${exit}]\n`, { flag: 'a' });
  return result.status === 0;
}

function tail(file, lines = 40) {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

const seconds = (start) => `${((Date.now() - start) / 1000).toFixed(1)}s`;

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

// 1. Build (through prepack) and pack.
const packLog = join(workDir, 'pack.log');
const packStart = Date.now();
if (
  !run(npm, ['pack', '--pack-destination', workDir], {
    cwd: root,
    logFile: packLog,
    timeoutMs: 300_000,
  })
) {
  console.log(`FAIL pack: npm pack failed (${seconds(packStart)})\n${tail(packLog)}`);
  console.log(`0 passed, ${apps.length} failed`);
  process.exit(1);
}
const tarballs = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
if (tarballs.length !== 1) {
  console.log(`FAIL pack: expected one .tgz in ${workDir}, found ${tarballs.length}`);
  console.log(`0 passed, ${apps.length} failed`);
  process.exit(1);
}
const tarball = join(workDir, tarballs[0]);
console.log(`packed ${shown(tarball)} (${seconds(packStart)})`);

// 2. What the tarball holds: what a user needs, and none of the sources, tests or benchmarks.
let passed = 0;
let failed = 0;
const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'dist/esm/index.js',
  'dist/esm/index.d.ts',
  'dist/cjs/index.js',
  'dist/cjs/index.d.ts',
  'dist/cjs/package.json',
  'dist/esm/engine/public-api.js',
  'dist/esm/engine/public-api.d.ts',
  'dist/cjs/engine/public-api.js',
  'dist/cjs/engine/public-api.d.ts',
];
const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
const entries = (listing.stdout ?? '')
  .split('\n')
  .filter(Boolean)
  .map((e) => e.replace(/^package\//, ''));
const missing = REQUIRED.filter((file) => !entries.includes(file));
const unwanted = entries.filter((file) => !REQUIRED.includes(file) && !file.startsWith('dist/'));
if (listing.status === 0 && missing.length === 0 && unwanted.length === 0) {
  passed += 1;
  console.log(`PASS package contents (${entries.length} files)`);
} else {
  failed += 1;
  console.log(
    `FAIL package contents: missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(unwanted)}${listing.status === 0 ? '' : `, tar: ${listing.stderr}`}`,
  );
}

// What the shipped declarations say is the public API: none of it may be marked `@internal` (a
// member only this package may call would be one users can call too).
const declarations = spawnSync('tar', ['-xzOf', tarball, '--wildcards', 'package/dist/*.d.ts'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const internal = (declarations.stdout ?? '')
  .split('\n')
  .filter((line) => line.includes('@internal'));
if (declarations.status === 0 && declarations.stdout.length > 0 && internal.length === 0) {
  passed += 1;
  console.log('PASS declarations: nothing marked @internal');
} else {
  failed += 1;
  console.log(
    `FAIL declarations: ${internal.length} line(s) with @internal${declarations.status === 0 ? '' : `, tar: ${declarations.stderr}`}\n${internal.slice(0, 10).join('\n')}`,
  );
}

// 3. Install and run every app.
for (const app of apps) {
  const appDir = join(workDir, app);
  const logFile = join(workDir, `${app}.log`);
  const start = Date.now();
  cpSync(join(appsDir, app), appDir, { recursive: true });
  cpSync(sharedDir, appDir, { recursive: true });
  const pkgFile = join(appDir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  pkg.dependencies = { ...pkg.dependencies, 'nestjs-cors': `file:${relative(appDir, tarball)}` };
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');

  let step = 'install';
  let ok = run(npm, ['install', '--no-audit', '--no-fund'], {
    cwd: appDir,
    logFile,
    timeoutMs: 600_000,
  });
  const installTime = seconds(start);
  const testStart = Date.now();
  if (ok) {
    step = 'test';
    ok = run(npm, ['test'], { cwd: appDir, logFile, timeoutMs: 180_000 });
  }
  const timing = `install ${installTime}, test ${seconds(testStart)}`;
  if (ok) {
    passed += 1;
    console.log(`PASS ${app} (${timing})`);
  } else {
    failed += 1;
    console.log(`FAIL ${app}: ${step} failed (${timing}); log ${shown(logFile)}:`);
    console.log(tail(logFile).replace(/^/gm, '    '));
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
