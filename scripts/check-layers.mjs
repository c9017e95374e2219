// Prints the layer map of lib/ (from .dependency-cruiser.cjs, top first), then has
// dependency-cruiser check every import of lib/ against it: an import that goes up a level or to a
// sibling, a cycle between files, a folder missing from the map. Exits non-zero on any violation.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { levels } = require('../.dependency-cruiser.cjs');

console.log('Layers of lib/, each importing only from the levels below it:');
[...levels].reverse().forEach((level, index) => {
  const folders = level.folders.map((folder) => (folder === '.' ? 'lib/' : `lib/${folder}/`));
  console.log(
    `  ${String(levels.length - index).padStart(2)}. ${folders.join(', ').padEnd(44)} ${level.summary}`,
  );
});
console.log('');

const result = spawnSync(
  'npx',
  ['depcruise', 'lib', '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long'],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
