import type { INestApplication, Type } from '@nestjs/common';
import { expectResponse, expectedOn, type Case } from './cases';
import { PLATFORMS, startApp, type Platform, type Received, type TestApp } from './platforms';

/** The application a table of cases runs against: one root module, or one per platform. */
export interface CasesApp {
  readonly module: Type | Readonly<Record<Platform, Type>>;
  readonly setUp?: (app: INestApplication) => void;
  /** Made by `NestFactory.create()` rather than the testing module (see `startApp`). */
  readonly viaNestFactory?: boolean;
}

/**
 * Runs one table of cases against the same application on every platform: each behaviour is
 * written once, as data, and checked on Express and on Fastify alike.
 *
 * @param check extra checks on each response, after the case's own expectations.
 */
export function describeCasesOnEachPlatform<C extends Case>(
  title: string,
  { module, setUp, viaNestFactory }: CasesApp,
  cases: readonly C[],
  check?: (received: Received, c: C) => void,
  beforeEachCase?: () => void,
): void {
  describe.each(PLATFORMS)(`${title} on %s`, (platform) => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp(
        platform,
        typeof module === 'function' ? module : module[platform],
        setUp,
        {},
        undefined,
        viaNestFactory,
      );
    });
    afterAll(() => app.close());
    if (beforeEachCase !== undefined) beforeEach(beforeEachCase);

    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const received = await app.send(c.request);
      expectResponse(received, expectedOn(platform, c));
      check?.(received, c);
    });
  });
}
