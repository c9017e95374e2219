/**
 * Route fidelity on a large Express app, as a black box: for generated targets, an actual
 * response carries the policy of the handler Express ran (the default where none of Nest's did),
 * and a preflight the policy of the handler its actual request ran. The app has hundreds of routes
 * with a policy each (see fixtures/large-route-app.ts), so a route index that leaves out a layer
 * that can match, or asks them out of order, shows as a preflight answered with another policy.
 */
import type { NestApplicationOptions } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import type { Server } from 'node:net';
import { ACAO, ACEH } from './cases';
import {
  DEFAULT_MAX_AGE,
  HANDLER_HEADER,
  HOOKS_HEADER,
  LARGE_SAMPLES,
  LargeRouteModule,
  MAX_AGES,
  OUTSIDE_HEADER,
  PROBE,
  setUpLargeApp,
} from './fixtures/large-route-app';
import { startApp, type TestApp } from './platforms';
import { RawHttpClient, portOf, type RawResponse } from './support/raw-http';
import { Random, generateTargets } from './support/request-targets';

const SEED = Number(process.env.LARGE_ROUTE_FIDELITY_SEED ?? 0x1a26e);
const TARGETS = Number(process.env.LARGE_ROUTE_FIDELITY_TARGETS ?? 1200);

interface Variant {
  readonly name: string;
  readonly settings: { caseSensitive?: boolean; strict?: boolean };
  readonly options?: NestApplicationOptions;
  /** Targets and who must answer a GET (a handler id, `outside ...`, or `none`): the options took effect. */
  readonly proof: Readonly<Record<string, string>>;
}

const supportsResolutionStrategy =
  typeof (ApplicationConfig.prototype as { setRouteResolutionStrategy?: unknown })
    .setRouteResolutionStrategy === 'function';

const VARIANTS: readonly Variant[] = [
  {
    name: 'default routing',
    settings: {},
    proof: {
      '/C7/r2': 'GET /c7/r2',
      '/c7/r2/': 'GET /c7/r2',
      '/c20/r1': 'GET /:tenant/r1',
      '/c33/r4': 'outside regex',
      '/docs': 'outside docs',
      // The mount at /t/:tenant fails to decode `%zz`: Express answers 400, no route runs.
      '/t/%zz/y': 'none',
    },
  },
  {
    name: 'case-sensitive routing',
    settings: { caseSensitive: true },
    proof: {
      '/C7/r2': 'GET /*rest',
      '/up/mixed/path': 'GET /*rest',
      '/Up/Mixed/Path': 'GET /Up/Mixed/Path',
    },
  },
  {
    name: 'strict routing',
    settings: { strict: true },
    proof: { '/c7/r2/': 'GET /*rest', '/C7/r2': 'GET /c7/r2' },
  },
  {
    name: 'case-sensitive and strict routing',
    settings: { caseSensitive: true, strict: true },
    proof: { '/c7/r2/': 'GET /*rest', '/C7/r2': 'GET /*rest', '/c7/r2': 'GET /c7/r2' },
  },
  ...(supportsResolutionStrategy
    ? [
        {
          name: "Nest's 'specificity' order",
          settings: {},
          options: { routeResolutionStrategy: 'specificity' } as NestApplicationOptions,
          // The literal route comes before the parameter once sorted.
          proof: { '/c20/r1': 'GET /c20/r1', '/c7/r2': 'GET /c7/r2' },
        },
      ]
    : []),
];

/** Who answered a request: a Nest handler, a route or mount outside Nest, or nobody. */
function whoAnswered(response: RawResponse): string {
  const handler = response.headers[HANDLER_HEADER];
  if (handler !== undefined) return handler;
  const outside = response.headers[OUTSIDE_HEADER];
  return outside === undefined ? 'none' : `outside ${outside}`;
}

/** The policy (its max-age) a response shows, or `none` without approving headers. */
function policyShown(kind: 'actual' | 'preflight', response: RawResponse): string {
  if (response.headers[ACAO] === undefined) return 'none';
  if (kind === 'actual') return response.headers[ACEH]?.replace(/^x-policy-/, '') ?? '?';
  return response.headers['cache-control']?.replace(/^public, max-age=/, '') ?? '?';
}

/** Node's parser refused the target: no hook of the application ran, so no policy can show. */
function answeredBeforeHooks(response: RawResponse): boolean {
  return (
    response.headers[HOOKS_HEADER] === undefined &&
    response.headers[HANDLER_HEADER] === undefined &&
    response.headers[ACAO] === undefined &&
    (response.status < 200 || response.status > 299)
  );
}

describe('route fidelity on a large generated Express app', () => {
  describe.each(VARIANTS.map((variant) => [variant.name, variant] as const))('%s', (_, variant) => {
    let app: TestApp;
    let client: RawHttpClient;

    beforeAll(async () => {
      app = await startApp(
        'express',
        LargeRouteModule,
        setUpLargeApp(variant.settings),
        variant.options,
      );
      await app.app.listen(0, '127.0.0.1');
      client = new RawHttpClient(portOf(app.app.getHttpServer() as Server), 8);
    });

    afterAll(async () => {
      client?.close();
      await app?.close();
    });

    it("the variant's options took effect", async () => {
      const answered: Record<string, string> = {};
      for (const target of Object.keys(variant.proof)) {
        answered[target] = whoAnswered(await client.send({ method: 'GET', target }));
      }
      expect(answered).toEqual(variant.proof);
    });

    it('every generated target: actual requests and preflights get the policy of what ran', async () => {
      const targets = generateTargets(LARGE_SAMPLES, TARGETS, new Random(SEED));
      const pairs = targets.flatMap(({ target, methods }) =>
        methods.map((method) => ({ target, method })),
      );
      const actual = await client.sendAll(
        pairs.map(({ target, method }) => ({ method, target, headers: { origin: PROBE } })),
      );
      const preflights = await client.sendAll(
        pairs.map(({ target, method }) => ({
          method: 'OPTIONS',
          target,
          headers: { origin: PROBE, 'access-control-request-method': method },
        })),
      );
      const mismatches: string[] = [];
      const reached = new Set<string>();
      pairs.forEach(({ target, method }, i) => {
        const response = actual[i]!;
        const preflight = preflights[i]!;
        const ran = whoAnswered(response);
        reached.add(ran);
        if (answeredBeforeHooks(response)) return;
        const due = String(MAX_AGES.get(ran) ?? DEFAULT_MAX_AGE);
        const shown = policyShown('actual', response);
        const preflightShown = answeredBeforeHooks(preflight)
          ? due
          : policyShown('preflight', preflight);
        if (shown !== due || preflightShown !== due) {
          mismatches.push(
            `${method} ${target}: ran ${ran} (${response.status}), due ${due}, ` +
              `actual shows ${shown}, preflight shows ${preflightShown} (${preflight.status})`,
          );
        }
      });
      expect(mismatches.slice(0, 20)).toEqual([]);
      expect(mismatches.length).toBe(0);
      // Not vacuous: the targets reach many handlers, and the routes and mounts outside Nest.
      expect(reached.size).toBeGreaterThan(40);
      expect([...reached].filter((ran) => ran.startsWith('outside')).sort()).toEqual([
        'outside docs',
        'outside mount /mnt',
        'outside mount /t/:tenant',
        'outside regex',
      ]);
    }, 180_000);
  });
});
