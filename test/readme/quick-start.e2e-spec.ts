import type { Type } from '@nestjs/common';
import { ACAC, ACAH, ACAM, ACAO, NOTHING_APPROVED, get, preflight, type Case } from '../e2e/cases';
import { describeCasesOnEachPlatform } from '../e2e/describe-cases';
import { readmeBlocks, writeBlock } from './readme-blocks';

const ADMIN = 'https://admin.example.com';

/** The README's Quick start, run as written: its `AppModule`, booted on each platform. */
function quickStartModule(): Type {
  const block = readmeBlocks().find((b) => b.code.includes('export class AppModule'));
  if (block === undefined) throw new Error('the README has no Quick start with an AppModule');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the file is written just now
  const loaded = require(writeBlock(block)) as { AppModule: Type };
  return loaded.AppModule;
}

const CASES: readonly Case[] = [
  {
    name: "the controller's policy",
    request: get('/items', ADMIN),
    expected: { status: 200, headers: { [ACAO]: ADMIN, [ACAC]: 'true' } },
  },
  {
    name: 'the named public policy',
    request: get('/items/catalog', 'https://anyone.example'),
    expected: { status: 200, headers: { [ACAO]: '*', [ACAC]: null } },
  },
  {
    name: "the handler's fields over the controller's, preflight included",
    request: preflight('/items/42', ADMIN, 'PUT', 'x-token'),
    expected: { status: 204, headers: { [ACAO]: ADMIN, [ACAM]: 'PUT', [ACAH]: 'x-token' } },
  },
  {
    name: 'no CORS at all on the switched-off route',
    request: preflight('/items/internal', ADMIN, 'POST'),
    expected: { status: 404, headers: NOTHING_APPROVED },
  },
];

describeCasesOnEachPlatform('the README Quick start', { module: quickStartModule() }, CASES);
