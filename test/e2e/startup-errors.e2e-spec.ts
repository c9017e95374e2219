import type { Type } from '@nestjs/common';
import { CorsConfigurationError, type CorsProblemCode } from '../../lib';
import { PLATFORMS, startApp, type TestApp } from './platforms';
import { ACAC, ACAO, NOTHING_APPROVED, expectResponse, get, preflight, type Case } from './cases';
import {
  ConfigFactoryAppModule,
  InvalidAsyncFactoryAppModule,
  InvalidControllerPolicyAppModule,
  OptionsClassAppModule,
  PermissiveRegexWithCredentialsAppModule,
  TypoOptionAppModule,
  UnknownPolicyNameAppModule,
  WildcardWithCredentialsAppModule,
} from './fixtures/startup-errors-app';
import { APP, EVIL, SUBDOMAIN } from './fixtures/origins';

interface StartupErrorCase {
  readonly name: string;
  readonly rootModule: Type;
  /** Where the mistake is, the value, and the fix: each must be in the message. */
  readonly where: string;
  readonly value: string;
  readonly fix: string;
  /** The problem's stable code, for tools. */
  readonly code: CorsProblemCode;
}

const STARTUP_ERROR_CASES: readonly StartupErrorCase[] = [
  {
    name: "an unknown policy name in a handler's @Cors('nope')",
    rootModule: UnknownPolicyNameAppModule,
    where: 'UnknownNameController.list',
    value: '"nope"',
    fix: 'use one of "public"',
    code: 'policy-name-unknown',
  },
  {
    name: "an invalid policy in a controller's @Cors",
    rootModule: InvalidControllerPolicyAppModule,
    where: 'BadOriginController',
    value: '"https://admin.example.com/"',
    fix: 'write "https://admin.example.com"',
    code: 'origin-not-serialized',
  },
  {
    name: "an invalid module option: origin '*' with credentials",
    rootModule: WildcardWithCredentialsAppModule,
    where: 'CorsModule options:',
    value: 'origin: "*"',
    fix: 'list the origins you trust',
    code: 'origin-any-with-credentials',
  },
  {
    name: 'a regex that accepts origins nobody owns, with credentials',
    rootModule: PermissiveRegexWithCredentialsAppModule,
    where: 'CorsModule options:',
    value: 'origin[1]: /^https:\\/\\/.*$/ accepts origins nobody owns',
    fix: 'anchor it to your own domains',
    code: 'origin-permissive-regex-with-credentials',
  },
  {
    name: 'a misspelt option (allowHeaders)',
    rootModule: TypoOptionAppModule,
    where: 'CorsModule options:',
    value: 'allowHeaders: ["X-Token"]',
    fix: 'did you mean "allowedHeaders"',
    code: 'unknown-option',
  },
  {
    name: 'forRootAsync whose useFactory returns an invalid configuration',
    rootModule: InvalidAsyncFactoryAppModule,
    where: 'CorsModule options:',
    value: '"app.example.com"',
    fix: 'write it with its scheme, such as "https://app.example.com"',
    code: 'origin-no-scheme',
  },
];

/** The origins `forRootAsync` reads, from `@nestjs/config` or from a class. */
const ASYNC_OPTIONS_CASES: readonly Case[] = [
  {
    name: 'the first configured origin is served',
    request: get('/items', APP),
    expected: { status: 200, headers: { [ACAO]: APP } },
  },
  {
    name: 'the second configured origin is served',
    request: get('/items', SUBDOMAIN),
    expected: { status: 200, headers: { [ACAO]: SUBDOMAIN } },
  },
  {
    name: 'a preflight from the second origin is approved',
    request: preflight('/items', SUBDOMAIN, 'PUT'),
    expected: { status: 204, headers: { [ACAO]: SUBDOMAIN } },
  },
  {
    name: 'any other origin is refused',
    request: get('/items', EVIL),
    expected: { status: 200, headers: NOTHING_APPROVED },
  },
];

describe.each(PLATFORMS)('startup errors on %s', (platform) => {
  it.each(STARTUP_ERROR_CASES.map((c) => [c.name, c] as const))(
    '%s fails init with a CorsConfigurationError naming place, value and fix',
    async (_name, { rootModule, where, value, fix, code }) => {
      const error: unknown = await startApp(platform, rootModule).then(
        async (app) => {
          await app.close();
          return undefined;
        },
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(CorsConfigurationError);
      const { message, problems } = error as CorsConfigurationError;
      expect(problems.map((problem) => problem.code)).toEqual([code]);
      expect(message).toContain(`in ${where}`);
      expect(message).toContain(value);
      expect(message).toContain(`Fix: ${fix}`);
    },
  );
});

describe.each(PLATFORMS)('forRootAsync on %s', (platform) => {
  describe.each([
    ['useFactory with ConfigService', ConfigFactoryAppModule, false],
    ['useClass', OptionsClassAppModule, true],
  ] as const)('%s', (_form, rootModule, credentials) => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp(platform, rootModule);
    });
    afterAll(() => app.close());

    it.each(ASYNC_OPTIONS_CASES.map((c) => [c.name, c] as const))(
      '%s',
      async (_name, { request, expected }) => {
        expectResponse(await app.send(request), expected);
      },
    );

    it(`credentials ${credentials ? 'on' : 'off'}, as configured`, async () => {
      expectResponse(await app.send(get('/items', APP)), {
        headers: { [ACAC]: credentials ? 'true' : null },
      });
    });
  });
});
