// Clean dist/ and compile lib/ twice with the TypeScript 7 native compiler:
// dist/esm (ES modules, NodeNext) and dist/cjs (CommonJS), each with .d.ts files
// and a package.json that pins the module format of its folder.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
// `@typescript/native` is TypeScript 7 (it owns the `tsc` bin); `typescript` is the TS 6 API.
const tsc = join(dirname(require.resolve('@typescript/native/package.json')), 'bin', 'tsc');

const builds = [
  { project: 'tsconfig.build.esm.json', outDir: 'dist/esm', type: 'module' },
  { project: 'tsconfig.build.cjs.json', outDir: 'dist/cjs', type: 'commonjs' },
];

rmSync(join(root, 'dist'), { recursive: true, force: true });

for (const { project, outDir, type } of builds) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: tsc -p ${project} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
  mkdirSync(join(root, outDir), { recursive: true });
  writeFileSync(join(root, outDir, 'package.json'), JSON.stringify({ type }, null, 2) + '\n');
  console.log(`build: ${outDir} (${type}) in ${Date.now() - started} ms`);
}
