/**
 * `paths` fidelity, tested against the platforms themselves: whatever the request target, the
 * policy that answers must be the one of the `paths` entry whose mount the platform ran (each
 * entry is also mounted for real with `app.use()`: Express's router, Fastify's middie), or of the
 * entry that covers the declared path of the route the router ran (Fastify: routes registered
 * outside Nest, before the module sets up and by a plugin after it). A preflight must get the policy its actual request got. Targets
 * come from the seeded generator of the route-fidelity suite, mutated in the ways routers and
 * mounts disagree about (case, slashes, percent-encoding, dot segments, absolute form...).
 */
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:net';
import { ACEH, ACMA } from './cases';
import {
  FASTIFY_ROUTES,
  HOOKS_HEADER,
  PATH_ENTRIES,
  PATH_SAMPLES,
  RAN_HEADER,
  markHooks,
  markerOf,
  maxAgeOf,
  mountEntries,
  pathFidelityModule,
  registerFastifyRoutes,
} from './fixtures/path-fidelity-app';
import {
  startApp,
  type FastifyAdapterOptions,
  type Platform,
  type TestApp,
  LENIENT_FASTIFY_OPTIONS,
} from './platforms';
import { RawHttpClient, portOf, type RawResponse } from './support/raw-http';
import { Random, generateTargets } from './support/request-targets';

const SEED = Number(process.env.PATH_FIDELITY_SEED ?? 0x9a75);
const TARGETS = Number(process.env.PATH_FIDELITY_TARGETS ?? 1500);
const ORIGIN = 'https://page.example';

interface Variant {
  readonly name: string;
  readonly platform: Platform;
  readonly setUp: (app: INestApplication) => void;
  readonly fastifyOptions?: FastifyAdapterOptions;
  /** The entry whose policy a response must carry, from what ran (its `x-ran` header). */
  readonly expectedEntry: (ran: string | undefined) => number | undefined;
  /** Targets whose `x-ran` proves the variant's options took effect. */
  readonly proof: Readonly<Record<string, string | undefined>>;
}

const mountRan = (ran: string | undefined) =>
  ran?.startsWith('mount ') === true ? Number(ran.slice('mount '.length)) : undefined;

/** A route's entry from the table, or the mount's that answered what no route serves. */
function routeRan(caseInsensitive: boolean) {
  return (ran: string | undefined) => {
    const route = FASTIFY_ROUTES.find(({ url }) => ran === `route ${url}`);
    if (route === undefined) return mountRan(ran);
    return caseInsensitive ? (route.caseInsensitiveEntry ?? route.entry) : route.entry;
  };
}

const VARIANTS: readonly Variant[] = [
  {
    name: 'Express',
    platform: 'express',
    setUp: (app) => mountEntries(app),
    expectedEntry: mountRan,
    proof: { '/MIXED': 'mount 3', '/gql/x': 'mount 0' },
  },
  {
    name: 'Express, case-sensitive routing',
    platform: 'express',
    setUp: (app) => {
      // As if the app had `case sensitive routing` set before its router existed (Nest's adapter
      // creates the router before setUp could set it).
      const express = app.getHttpAdapter().getInstance() as { router: { caseSensitive: boolean } };
      express.router.caseSensitive = true;
      mountEntries(app);
    },
    expectedEntry: mountRan,
    proof: { '/MIXED': undefined, '/Mixed/x': 'mount 3' },
  },
  {
    name: 'Fastify, middleware mounted with app.use() (@fastify/middie)',
    platform: 'fastify',
    setUp: (app) => {
      markHooks(app);
      mountEntries(app);
    },
    expectedEntry: mountRan,
    proof: { '/MIXED': 'mount 3', '/gql/x': 'mount 0', '/trail': 'mount 8' },
  },
  {
    name: 'Fastify',
    platform: 'fastify',
    setUp: (app) => {
      markHooks(app);
      registerFastifyRoutes(app);
    },
    expectedEntry: routeRan(false),
    // The router does not fold case; middie's mounts do.
    proof: { '/MIXED': 'mount 3', '/Mixed': 'route /Mixed', '/gql/sub': 'route /gql/sub' },
  },
  {
    name: 'Fastify, lenient router (case, slashes)',
    platform: 'fastify',
    setUp: (app) => {
      markHooks(app);
      registerFastifyRoutes(app);
    },
    fastifyOptions: LENIENT_FASTIFY_OPTIONS,
    expectedEntry: routeRan(true),
    proof: { '/MIXED': 'route /Mixed', '/gql//sub/': 'route /gql/sub' },
  },
];

interface Mismatch {
  readonly target: string;
  readonly ran: string | undefined;
  readonly expected: string;
  readonly actual: string | undefined;
  readonly preflight: string | undefined;
}

/** The policy a response shows, unless it carries no CORS header at all. */
function check(
  target: string,
  actual: RawResponse,
  preflight: RawResponse,
  variant: Variant,
): Mismatch | undefined {
  const ran = actual.headers[RAN_HEADER];
  const entry = variant.expectedEntry(ran);
  const shown = actual.headers[ACEH];
  const preflightShown = preflight.headers[ACMA];
  if (answeredBeforeHooks(variant, actual)) {
    // The router refused the URL for the actual request: its preflight approves nothing either.
    if (answeredBeforeHooks(variant, preflight) || carriesNoCors(preflight)) return undefined;
  } else if (
    shown === markerOf(entry) &&
    (answeredBeforeHooks(variant, preflight) || preflightShown === maxAgeOf(entry))
  )
    return undefined;
  return { target, ran, expected: markerOf(entry), actual: shown, preflight: preflightShown };
}

/** Whether a preflight's answer has no CORS header at all. */
function carriesNoCors(response: RawResponse): boolean {
  return Object.keys(response.headers).every((name) => !name.startsWith('access-control-'));
}

/**
 * Whether Fastify answered before any hook ran: its router refusing a target it cannot decode (400,
 * or a 404 from older releases with `;` as a delimiter) or an over-long parameter (414). No hook,
 * so no CORS header at all (documented), and never another policy's. The fixture's own hook did
 * not mark it, nothing ran, and it is no success.
 */
function answeredBeforeHooks(variant: Variant, response: RawResponse): boolean {
  return (
    variant.platform === 'fastify' &&
    response.headers[HOOKS_HEADER] === undefined &&
    response.headers[RAN_HEADER] === undefined &&
    response.headers[ACEH] === undefined &&
    response.headers[ACMA] === undefined &&
    (response.status < 200 || response.status > 299)
  );
}

describe('paths fidelity: the policy is the one of the entry the platform itself ran', () => {
  describe.each(VARIANTS.map((variant) => [variant.name, variant] as const))(
    '%s',
    (_name, variant) => {
      let app: TestApp;
      let client: RawHttpClient;

      beforeAll(async () => {
        app = await startApp(
          variant.platform,
          pathFidelityModule(),
          variant.setUp,
          {},
          variant.fastifyOptions,
          true,
        );
        await app.app.listen(0, '127.0.0.1');
        client = new RawHttpClient(portOf(app.app.getHttpServer() as Server), 8);
      });

      afterAll(async () => {
        client?.close();
        await app?.close();
      });

      it("the variant's options took effect", async () => {
        const ran: Record<string, string | undefined> = {};
        for (const target of Object.keys(variant.proof)) {
          ran[target] = (await client.send({ method: 'GET', target })).headers[RAN_HEADER];
        }
        expect(ran).toEqual(variant.proof);
      });

      it('every generated target: actual request and preflight carry the policy of what ran', async () => {
        const random = new Random(SEED);
        const targets = generateTargets(
          PATH_SAMPLES.map((path) => ({ path, methods: ['GET'] })),
          TARGETS,
          random,
        ).map(({ target }) => target);
        const actual = await client.sendAll(
          targets.map((target) => ({ method: 'GET', target, headers: { origin: ORIGIN } })),
        );
        const preflights = await client.sendAll(
          targets.map((target) => ({
            method: 'OPTIONS',
            target,
            headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
          })),
        );
        const mismatches = targets
          .map((target, i) => check(target, actual[i]!, preflights[i]!, variant))
          .filter((m) => m !== undefined);
        // Every entry's mount or route was reached, so that no entry passes untried.
        const reached = new Set(actual.map((r) => variant.expectedEntry(r.headers[RAN_HEADER])));
        expect(mismatches.slice(0, 20)).toEqual([]);
        expect(mismatches.length).toBe(0);
        expect([...PATH_ENTRIES.keys()].filter((entry) => !reached.has(entry))).toEqual([]);
      }, 120_000);
    },
  );
});
