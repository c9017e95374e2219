import { Controller, Get, Module, Put, type Type } from '@nestjs/common';
import fc from 'fast-check';
import {
  CorsConfigurationError,
  CorsModule,
  CorsPolicies,
  type CorsPolicyConfiguration,
  type CorsPolicyOptions,
} from '../../lib';
import { get, preflight } from './cases';
import { ADMIN, APP, EVIL, PARTNER, SUBDOMAIN } from './fixtures/origins';
import { PLATFORMS, startApp, type Received, type SentRequest, type TestApp } from './platforms';

/*
 * A trial never changes a response: for generated policies P, trials T and requests, the response
 * under P + trial T is the response under P, status, headers and body, on both platforms. The
 * module default is what a plain controller route and a `paths` entry use, and `replace()` swaps
 * it between the two, so one application per platform (and set of module switches) serves every
 * case.
 */

jest.setTimeout(120_000);

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return { items: [1, 2] };
  }

  @Put()
  save() {
    return { saved: true };
  }
}

/** The module's switches each application runs with: none, and the refusals made visible. */
const SWITCHES = [
  ['the defaults', {}],
  ['debug and enforce', { debug: true, enforce: true }],
] as const;

/**
 * An application whose module default is what `/items` and the `paths` entry `/raw` use: `{}`
 * takes the module default, which replace() changes (`paths` entries are set at startup).
 */
function moduleWith(switches: { readonly debug?: boolean; readonly enforce?: boolean }): Type {
  @Module({
    imports: [CorsModule.forRoot({ ...switches, origin: [APP], paths: { '/raw': {} } })],
    controllers: [ItemsController],
  })
  class TrialPropertyModule {}
  return TrialPropertyModule;
}

/** Origin predicates, one object each, so that equal generated policies share a compiled one. */
const ENDS_IN_EXAMPLE_COM = (origin: string) => origin.endsWith('.example.com');
const ASYNC_APP_ONLY = (origin: string) => Promise.resolve(origin === APP);
const THROWS = () => {
  throw new Error('origin lookup down');
};

const LISTED = [APP, ADMIN, PARTNER, 'https://*.example.com', 'http://localhost:3000'];

const originField: fc.Arbitrary<CorsPolicyOptions['origin']> = fc.oneof(
  fc.constantFrom('*', true, false),
  fc.constantFrom(...LISTED),
  fc.subarray(LISTED, { minLength: 1 }),
  fc.constantFrom(/^https:\/\/[a-z]+\.example\.org$/, ENDS_IN_EXAMPLE_COM, ASYNC_APP_ONLY, THROWS),
);

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];
const REQUEST_HEADERS = ['x-token', 'x-trace', 'content-type', 'authorization'];
const RESPONSE_HEADERS = ['x-total', 'x-page'];

/** A policy's fields, any of them absent: the enforced policy, and a trial over it. */
const policyFields: fc.Arbitrary<CorsPolicyOptions> = fc.record(
  {
    origin: originField,
    credentials: fc.boolean(),
    methods: fc.oneof(fc.subarray(METHODS, { minLength: 1 }), fc.constantFrom('*', 'GET,PUT')),
    allowedHeaders: fc.oneof(fc.subarray(REQUEST_HEADERS), fc.constant('*')),
    exposedHeaders: fc.oneof(fc.subarray(RESPONSE_HEADERS), fc.constantFrom('*', ['*'])),
    maxAge: fc.constantFrom(-1, 0, 5, 600, 86_400),
    optionsSuccessStatus: fc.constantFrom(200, 204),
  },
  { requiredKeys: [] },
);

/** Origins in the lists, matched by a pattern, and outside them all. */
const SENT_ORIGINS = [
  APP,
  ADMIN,
  PARTNER,
  SUBDOMAIN,
  'https://shop.example.org',
  'http://localhost:3000',
  EVIL,
  'https://app.example.com.evil.example',
  'null',
];

/** Actual GETs and PUTs with or without Origin, and preflights for a method and headers. */
const sentRequest: fc.Arbitrary<SentRequest> = fc
  .record({
    path: fc.constantFrom('/items', '/raw/page'),
    kind: fc.constantFrom('GET', 'PUT', 'preflight'),
    origin: fc.option(fc.constantFrom(...SENT_ORIGINS), { nil: undefined, freq: 6 }),
    method: fc.constantFrom(...METHODS),
    headers: fc.option(
      fc.subarray([...REQUEST_HEADERS, 'x-other'], { minLength: 1 }).map((h) => h.join(', ')),
      { nil: undefined },
    ),
  })
  .map(({ path, kind, origin, method, headers }) => {
    if (kind === 'GET') return get(path, origin);
    if (kind === 'PUT') return { ...get(path, origin), method: 'PUT' };
    return preflight(path, origin ?? APP, method, headers);
  });

/** Headers that differ between any two responses, whatever the policy. */
const VOLATILE = new Set(['date', 'etag', 'keep-alive', 'connection']);

/** What a browser receives, less what differs between any two responses. */
function comparable(received: Received) {
  const headers = Object.fromEntries(
    Object.entries(received.headers).filter(([name]) => !VOLATILE.has(name)),
  );
  return { status: received.status, headers, body: received.body };
}

/** Requests counted in all by the trial counts since start. */
function differencesCounted(policies: CorsPolicies): number {
  return policies.trialCounts().routes.reduce((sum, route) => sum + route.total, 0);
}

/**
 * Makes `configuration` the policies in force, or says it cannot be: an invalid generated
 * combination (credentials with `*`, say), which the case then skips.
 */
function replaced(policies: CorsPolicies, configuration: CorsPolicyConfiguration): boolean {
  try {
    policies.replace(configuration);
    return true;
  } catch (error) {
    if (error instanceof CorsConfigurationError) return false;
    throw error;
  }
}

const RUNS = PLATFORMS.flatMap((platform) =>
  SWITCHES.map(([name, switches]) => [platform, name, switches] as const),
);

describe.each(RUNS)(
  'a trial never changes a response, on %s with %s',
  (platform, _name, switches) => {
    let app: TestApp;
    let policies: CorsPolicies;

    beforeAll(async () => {
      app = await startApp(platform, moduleWith(switches));
      policies = app.app.get(CorsPolicies);
    });
    afterAll(() => app.close());

    it('the same response with and without the trial, for generated policies and requests', async () => {
      const countedBefore = differencesCounted(policies);
      let valid = 0;
      await fc.assert(
        fc.asyncProperty(
          policyFields,
          policyFields,
          sentRequest,
          async (policy, trial, request) => {
            if (!replaced(policies, policy)) return;
            const without = comparable(await app.send(request));
            if (!replaced(policies, { ...policy, trial })) return;
            valid++;
            const withTrial = comparable(await app.send(request));
            // And back: dropping the trial leaves nothing of it behind.
            policies.replace(policy);
            const withoutAgain = comparable(await app.send(request));
            expect({ withTrial, withoutAgain }).toEqual({
              withTrial: without,
              withoutAgain: without,
            });
          },
        ),
        { numRuns: 800, seed: 2024 },
      );
      // Not vacuous: enough valid cases ran, and their trials were compared on both kinds of route.
      expect(valid).toBeGreaterThanOrEqual(300);
      // Async trial predicates record after the response: let them settle.
      await new Promise((resolve) => setImmediate(resolve));
      expect(differencesCounted(policies) - countedBefore).toBeGreaterThanOrEqual(50);
      const routes = policies.trialCounts().routes.map((route) => route.route);
      expect(routes).toEqual(expect.arrayContaining(['GET /items', 'PUT /items', 'paths /raw']));
    });

    // Under `origin: '*'` the policy in force approves a request without Origin (`*`), and a
    // trial that lists origins would not: no browser fails there, so nothing may be recorded.
    it('a request without Origin records no difference, even under origin "*"', async () => {
      policies.replace({ origin: '*', trial: { origin: [APP] } });
      const before = differencesCounted(policies);
      await app.send(get('/items'));
      expect(differencesCounted(policies)).toBe(before);
    });
  },
);
