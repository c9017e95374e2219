// Runs the browser suite (`npm run test:browser [jest args...]`) in Debian's Chromium.
//
// Chromium comes from apt (`apt-get install -y chromium`); CHROMIUM_PATH overrides where it is
// looked for. Without it the suite does not run: locally that is one line and exit code 0 (the
// rest of the tests are separate), in CI (CI set, and not "false" or "0") it is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const inCi = !['', 'false', '0'].includes((process.env.CI ?? '').trim().toLowerCase());

if (!existsSync(chromium)) {
  if (inCi) {
    console.error(
      `test:browser: FAILED, no Chromium at ${chromium}; CI must run the browser tests: apt-get install -y chromium`,
    );
    process.exit(1);
  }
  console.log(
    `test:browser: skipped, no Chromium at ${chromium}; to run the browser tests: apt-get install -y chromium`,
  );
  process.exit(0);
}

const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
const result = spawnSync(
  process.execPath,
  [jest, '--config', join(here, 'jest.config.cjs'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: chromium } },
);
process.exit(result.status ?? 1);
