// Runs the type tests (test/types/*.tst.ts) with tstyche, against the TypeScript 6 API the project
// installs as `typescript`.
//
// That package (@typescript/typescript6) is a one-line module re-exporting the real compiler from
// its own dependency; tstyche patches the compiler's source text when it loads it (to reach the
// checker's isTypeIdenticalTo), which finds nothing to patch in the one-liner. So tstyche is told,
// through its TSTYCHE_TYPESCRIPT_MODULE variable, the module the one-liner loads.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(root, 'package.json'));
const wrapper = require.resolve('typescript');
const reexported = /^module\.exports = require\("([^"]+)"\);\s*$/.exec(
  readFileSync(wrapper, 'utf8'),
);
const compiler = reexported ? createRequire(wrapper).resolve(reexported[1]) : wrapper;

const tstyche = join(dirname(require.resolve('tstyche/package.json')), 'build', 'bin.js');
const result = spawnSync(process.execPath, [tstyche, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TSTYCHE_TYPESCRIPT_MODULE: pathToFileURL(compiler).href },
});
process.exit(result.status ?? 1);
