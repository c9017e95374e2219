import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { readmeBlocks, writeBlock } from './readme-blocks';

/**
 * Every TypeScript block of the README compiles as a user would paste it, with the project's own
 * compiler settings: a snippet cannot rot unnoticed.
 */
describe('the README', () => {
  const blocks = readmeBlocks();

  it('has TypeScript blocks to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((block) => [block.line, block] as const))(
    'compiles the block at line %d',
    (_line, block) => {
      const file = writeBlock(block);
      const tsconfig = ts.parseConfigFileTextToJson(
        'tsconfig.json',
        readFileSync(join(__dirname, '..', '..', 'tsconfig.json'), 'utf8'),
      ).config as { compilerOptions: object };
      const { options } = ts.convertCompilerOptionsFromJson(
        tsconfig.compilerOptions,
        join(__dirname, '..', '..'),
      );
      const program = ts.createProgram([file], { ...options, noEmit: true, types: ['node'] });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((diagnostic) => diagnostic.file?.fileName === file || diagnostic.file === undefined)
        .map((diagnostic) => {
          const where = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
          const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
          return `README line ${block.line + (where?.line ?? 0)}: TS${diagnostic.code} ${text}`;
        });
      expect(problems).toEqual([]);
    },
  );
});
