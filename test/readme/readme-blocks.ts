import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Where the blocks are written; ignored by git, rewritten on every run. */
export const GENERATED_DIR = join(__dirname, '.generated');

/** One ```ts block of the README, with the line its code starts on. */
export interface ReadmeBlock {
  readonly line: number;
  readonly code: string;
}

/** Every TypeScript block of the README, in order. */
export function readmeBlocks(): ReadmeBlock[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  let start = -1;
  lines.forEach((line, index) => {
    if (start === -1 && /^```(ts|typescript)\s*$/.test(line)) start = index + 1;
    else if (start !== -1 && line.startsWith('```')) {
      blocks.push({ line: start + 1, code: lines.slice(start, index).join('\n') });
      start = -1;
    }
  });
  return blocks;
}

/**
 * Writes a block as a module of its own, importing the package from `lib/` as a user's code imports
 * it from the installed package, and returns the file's path.
 */
export function writeBlock(block: ReadmeBlock): string {
  mkdirSync(GENERATED_DIR, { recursive: true });
  const file = join(GENERATED_DIR, `readme-line-${block.line}.ts`);
  const lib = relative(GENERATED_DIR, join(ROOT, 'lib')).replace(/\\/g, '/');
  const code = block.code
    .replace(/from 'nestjs-cors'/g, `from '${lib}/index'`)
    .replace(/from 'nestjs-cors\/testing'/g, `from '${lib}/testing/index'`);
  // A block without imports or exports is a script; `export {}` makes it a module like the rest.
  writeFileSync(file, /^(import|export) /m.test(code) ? `${code}\n` : `${code}\nexport {};\n`);
  return file;
}
