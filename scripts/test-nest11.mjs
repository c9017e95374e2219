// Runs the Jest suite against a Nest 11 install instead of the root Nest 12 devDependencies.
//
//   node scripts/test-nest11.mjs [latest|lowest] [extra jest args...]
//
// test/nest11/<variant> holds its own package.json and package-lock.json. This script installs it
// with `npm ci` when its node_modules is missing or older than its lockfile, then runs Jest with
// NEST_VERSION_DIR=test/nest11/<variant>; jest.config.cjs then maps @nestjs/*, rxjs,
// reflect-metadata (and express/fastify) to that folder's node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const variants = ['latest', 'lowest'];
const [variant = 'latest', ...jestArgs] = process.argv.slice(2);
if (!variants.includes(variant)) {
  console.error(`usage: node scripts/test-nest11.mjs [${variants.join('|')}] [jest args...]`);
  process.exit(2);
}

const dir = join(root, 'test', 'nest11', variant);
const lockfile = join(dir, 'package-lock.json');
const installed = join(dir, 'node_modules', '.package-lock.json');

function upToDate() {
  if (!existsSync(installed)) return false;
  // npm ci writes node_modules/.package-lock.json from package-lock.json: same packages, same versions.
  const wanted = JSON.parse(readFileSync(lockfile, 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(installed, 'utf8')).packages ?? {};
  return Object.entries(wanted).every(
    ([key, meta]) => key === '' || meta.optional || have[key]?.version === meta.version,
  );
}

if (!upToDate()) {
  console.log(`test-nest11: npm ci in ${relative(root, dir)}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const ci = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  if (ci.status !== 0) process.exit(ci.status ?? 1);
}

const require = createRequire(import.meta.url);
const jestBin = join(dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
const env = { ...process.env, NEST_VERSION_DIR: relative(root, dir) };
console.log(`test-nest11: jest with NEST_VERSION_DIR=${env.NEST_VERSION_DIR}`);
const run = spawnSync(process.execPath, [jestBin, ...jestArgs], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
