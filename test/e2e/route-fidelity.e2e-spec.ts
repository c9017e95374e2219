/**
 * Route fidelity, tested as a black box: whatever the request target, the CORS headers of a response
 * must be those of the policy of the handler that the real router ran, and a preflight must get the
 * policy of the handler that the actual request it announces runs.
 *
 * Every handler of the fixture has a policy of its own, told apart by a marker (an exposed header
 * name on actual responses, a max-age on preflights), and names itself in a response header. So the
 * test never predicts routing: it sends a target, reads which handler ran and which policy
 * answered, and compares the two. Targets come from a seeded generator that mutates paths the
 * routes serve in the ways routers disagree about; each application variant gets thousands of
 * them, twice, in two orders, to catch answers that depend on what was asked before.
 */
import type { NestApplicationOptions } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { ACAC, ACAH, ACAM, ACAO, ACEH, ACMA } from './cases';
import {
  DEFAULT_MARKER,
  HANDLER_HEADER,
  HANDLER_IDS,
  HANDLER_POLICIES,
  HOOKS_HEADER,
  PROBE,
  ROUTE_FIDELITY_MODULES,
  SAMPLE_PATHS,
  setUpRouteFidelity,
  type PolicyMarker,
} from './fixtures/route-fidelity-app';
import {
  startApp,
  type FastifyAdapterOptions,
  type Platform,
  type TestApp,
  LENIENT_FASTIFY_OPTIONS,
} from './platforms';
import { RawHttpClient, portOf, type RawRequest, type RawResponse } from './support/raw-http';
import {
  Random,
  generateTargets,
  siblingOf,
  type GeneratedTarget,
} from './support/request-targets';

/** Fixed, so that a failure replays; `ROUTE_FIDELITY_SEED` tries others. */
const SEED = Number(process.env.ROUTE_FIDELITY_SEED ?? 0x5eed);
/** Distinct targets per variant; `ROUTE_FIDELITY_TARGETS` raises it for a longer hunt. */
const TARGETS = Number(process.env.ROUTE_FIDELITY_TARGETS ?? 2000);
/** Requests in flight at once: enough to keep both sides busy on two cores. */
const CONCURRENCY = 8;
/** How often the second order puts a neighbour (`/docs` for `/docs/`) right before a request. */
const SIBLING_RATE = 0.4;
/** Mismatches listed in a failure message; all of them are counted. */
const LISTED = 30;
/** A file to write every mismatch to, as JSON, for analysis. */
const REPORT_FILE = process.env.ROUTE_FIDELITY_REPORT;

interface Variant {
  readonly name: string;
  readonly platform: Platform;
  readonly options?: NestApplicationOptions;
  readonly fastifyOptions?: FastifyAdapterOptions;
  /**
   * Targets and the handler each must reach, showing that the variant's options took effect:
   * without this, a variant whose options were ignored would pass as a copy of another.
   */
  readonly proof: Readonly<Record<string, string>>;
  /** Handlers that an earlier route shadows on this variant's router, so that none is reached. */
  readonly shadowed: readonly string[];
}

/** `routeResolutionStrategy` came with Nest 12; under Nest 11 that variant does not exist. */
const supportsResolutionStrategy =
  typeof (ApplicationConfig.prototype as { setRouteResolutionStrategy?: unknown })
    .setRouteResolutionStrategy === 'function';

/** Nest sorts routes before registering them, so Express tries the most specific first. */
const EXPRESS_BY_SPECIFICITY: Variant = {
  name: 'express (specificity)',
  platform: 'express',
  options: { routeResolutionStrategy: 'specificity' },
  proof: { '/api/items/special': 'items.special', '/api/files/readme': 'files.readme' },
  // Sorting keeps the declaration order of routes that are equally specific.
  shadowed: ['head.head'],
};

const VARIANTS: readonly Variant[] = [
  {
    name: 'express',
    platform: 'express',
    proof: { '/api/items/special': 'items.by-id', '/API/ITEMS/special/': 'items.by-id' },
    // Declaration order: each is declared after a parameter, wildcard or @All() that matches it.
    shadowed: [
      'items.special',
      'items.camel',
      'things.v2.latest',
      'any.fixed',
      'admin.users.me',
      'files.by-name',
      'files.readme',
      'n.latest',
      'head.head',
    ],
  },
  ...(supportsResolutionStrategy ? [EXPRESS_BY_SPECIFICITY] : []),
  {
    name: 'fastify',
    platform: 'fastify',
    proof: { '/api/items/special': 'items.special', '/api/files/readme': 'files.readme' },
    shadowed: [],
  },
  {
    name: 'fastify (lenient router)',
    platform: 'fastify',
    fastifyOptions: LENIENT_FASTIFY_OPTIONS,
    proof: {
      '/API/ITEMS/special': 'items.special',
      '/api/items/special/': 'items.special',
      '/api//items/special': 'items.special',
      '/api/items/special;a=b': 'items.special',
    },
    shadowed: [],
  },
];

/** Which policy, if any, a response's approving headers come from. */
type Observed =
  | { readonly kind: 'none' }
  | { readonly kind: 'policy'; readonly marker: PolicyMarker }
  | { readonly kind: 'garbled'; readonly detail: string };

/** What a response must carry. */
type Expected =
  | { readonly kind: 'policy'; readonly marker: PolicyMarker; readonly why: string }
  | { readonly kind: 'none'; readonly why: string }
  /**
   * The platform answered before any hook (see {@link answeredBeforeHooks}). No handler's policy
   * may show; the default (were some platform hook to write it) and nothing both pass.
   */
  | { readonly kind: 'default-or-none'; readonly why: string };

type ProbeKind = 'actual' | 'preflight';

/** One request of a pass, with the target it was made for. */
interface Probe {
  readonly key: string;
  readonly kind: ProbeKind;
  readonly method: string;
  readonly origin: GeneratedTarget;
  readonly request: RawRequest;
}

interface Mismatch {
  readonly variant: string;
  readonly pass: string;
  readonly check: ProbeKind | 'order' | 'fixture';
  readonly method: string;
  readonly target: string;
  readonly mutations: readonly string[];
  readonly ran: string;
  readonly expected: string;
  readonly observed: string;
  readonly headers: string;
  /** Groups mismatches that look alike, for the summary. */
  readonly group: string;
}

const markersByExposedHeader = new Map<string, PolicyMarker>();
const markersByMaxAge = new Map<string, PolicyMarker>();
for (const marker of [DEFAULT_MARKER, ...HANDLER_POLICIES.values()]) {
  if (marker === null) continue;
  markersByExposedHeader.set(marker.exposedHeader, marker);
  markersByMaxAge.set(String(marker.maxAge), marker);
}

const APPROVING = [ACAO, ACAC, ACEH, ACAM, ACAH, ACMA];
const CACHE_CONTROL = 'cache-control';

/**
 * Reads the policy behind a response. The marker names the policy; the other approving headers
 * must agree with it (the probe origin, credentials exactly when the policy has them), or the
 * headers are reported as garbled: two policies half applied.
 */
function observe(kind: ProbeKind, response: RawResponse): Observed {
  if (APPROVING.every((name) => response.headers[name] === undefined)) return { kind: 'none' };
  // A preflight's marker is its Cache-Control (preflightCacheControl), not its Max-Age, which is 0
  // where routes of other policies share the URL.
  const markerHeader = kind === 'actual' ? ACEH : CACHE_CONTROL;
  const value = response.headers[markerHeader];
  const marker =
    value === undefined
      ? undefined
      : kind === 'actual'
        ? markersByExposedHeader.get(value.toLowerCase())
        : markersByMaxAge.get(value.replace(/^public, max-age=/, ''));
  if (marker === undefined)
    return { kind: 'garbled', detail: `${markerHeader}=${value ?? '(absent)'}` };
  if (response.headers[ACAO] !== PROBE)
    return { kind: 'garbled', detail: `${marker.id} with ${ACAO}=${response.headers[ACAO]}` };
  if ((response.headers[ACAC] === 'true') !== marker.credentials)
    return { kind: 'garbled', detail: `${marker.id} with ${ACAC}=${response.headers[ACAC]}` };
  const maxAge = response.headers[ACMA];
  if (kind === 'preflight' && maxAge !== String(marker.maxAge) && maxAge !== '0')
    return { kind: 'garbled', detail: `${marker.id} with ${ACMA}=${maxAge}` };
  const misplaced = kind === 'actual' ? ACMA : ACEH;
  if (response.headers[misplaced] !== undefined)
    return { kind: 'garbled', detail: `${marker.id} with ${misplaced} on an ${kind} response` };
  return { kind: 'policy', marker };
}

/** Which handler ran, from the header every handler of the fixture sets (HEAD has no body). */
function handlerOf(response: RawResponse): string | undefined {
  return response.headers[HANDLER_HEADER];
}

function describeRun(response: RawResponse): string {
  if (response.status === 0) return `no response (${response.error})`;
  const handler = handlerOf(response);
  return handler === undefined
    ? `no handler (${response.status})`
    : `${handler} (${response.status})`;
}

/**
 * Whether the platform answered before any hook of the application ran: a router refusing a bad
 * escape (400) or an over-long parameter (414), Node's parser refusing a target. Such a response
 * has no handler and is not a success; it lacks the fixture's own hook header and any CORS header
 * (CorsModule's hook, which runs first, answers preflights without letting the fixture's run).
 */
function answeredBeforeHooks(response: RawResponse): boolean {
  return (
    handlerOf(response) === undefined &&
    response.headers[HOOKS_HEADER] === undefined &&
    (response.status < 200 || response.status > 299) &&
    observe('preflight', response).kind === 'none'
  );
}

function beforeHooks(response: RawResponse): Expected | undefined {
  return answeredBeforeHooks(response)
    ? { kind: 'default-or-none', why: `${response.status} before any hook` }
    : undefined;
}

/** What an actual request's response, and a preflight announcing it, must carry. */
function expectedFor(actual: RawResponse): Expected {
  const handler = handlerOf(actual);
  if (handler !== undefined) {
    const marker = HANDLER_POLICIES.get(handler);
    if (marker === undefined) throw new Error(`Unknown handler in ${HANDLER_HEADER}: ${handler}`);
    return marker === null
      ? { kind: 'none', why: `${handler} has @Cors(false)` }
      : { kind: 'policy', marker, why: `${handler} ran` };
  }
  // Any other response without a handler (a 404, a 400 from a parameter that does not decode, a
  // 500 from a failing hook) is the default's.
  return (
    beforeHooks(actual) ?? {
      kind: 'policy',
      marker: DEFAULT_MARKER,
      why: `no handler, ${actual.status}`,
    }
  );
}

function satisfies(observed: Observed, expected: Expected): boolean {
  switch (expected.kind) {
    case 'none':
      return observed.kind === 'none';
    case 'policy':
      return observed.kind === 'policy' && observed.marker === expected.marker;
    case 'default-or-none':
      return (
        observed.kind === 'none' ||
        (observed.kind === 'policy' && observed.marker === DEFAULT_MARKER)
      );
  }
}

function describeObserved(observed: Observed): string {
  switch (observed.kind) {
    case 'none':
      return 'no CORS headers';
    case 'policy':
      return `policy ${observed.marker.id}`;
    case 'garbled':
      return `garbled: ${observed.detail}`;
  }
}

function describeExpected(expected: Expected): string {
  switch (expected.kind) {
    case 'none':
      return `no CORS headers (${expected.why})`;
    case 'policy':
      return `policy ${expected.marker.id} (${expected.why})`;
    case 'default-or-none':
      return `the default or none (${expected.why})`;
  }
}

/** A coarse label, without ids: which kind of answer was due and which kind came. */
function groupOf(kind: ProbeKind, expected: Expected, observed: Observed): string {
  const due =
    expected.kind === 'policy'
      ? expected.marker === DEFAULT_MARKER
        ? 'the default (no handler)'
        : "the handler's policy"
      : expected.kind === 'none'
        ? 'no CORS (@Cors(false) handler)'
        : 'the default or none (answered before any hook)';
  const came =
    observed.kind === 'policy'
      ? observed.marker === DEFAULT_MARKER
        ? 'the default'
        : "another handler's policy"
      : observed.kind === 'none'
        ? 'no CORS headers'
        : 'garbled headers';
  return `${kind}: due ${due}, got ${came}`;
}

function showHeaders(response: RawResponse): string {
  const shown = [ACAO, ACAC, ACEH, ACMA, CACHE_CONTROL]
    .filter((name) => response.headers[name] !== undefined)
    .map((name) => `${name.replace('access-control-', '')}=${response.headers[name]}`);
  return shown.length === 0 ? '(none)' : shown.join(' ');
}

/** The actual request and the preflight for each method of each target. */
function probesFor(targets: readonly GeneratedTarget[]): Probe[] {
  return targets.flatMap((origin) =>
    origin.methods.flatMap((method): Probe[] => [
      {
        key: `actual ${method} ${origin.target}`,
        kind: 'actual',
        method,
        origin,
        request: { method, target: origin.target, headers: { origin: PROBE } },
      },
      {
        key: `preflight ${method} ${origin.target}`,
        kind: 'preflight',
        method,
        origin,
        request: {
          method: 'OPTIONS',
          target: origin.target,
          headers: { origin: PROBE, 'access-control-request-method': method },
        },
      },
    ]),
  );
}

/** A GET of a neighbour of the probe's target, sent right before it. */
function siblingProbe(probe: Probe, random: Random): Probe {
  const target = siblingOf(probe.origin.target, random);
  return {
    key: `sibling ${target} before ${probe.key}`,
    kind: 'actual',
    method: 'GET',
    origin: { ...probe.origin, target, mutations: [...probe.origin.mutations, 'sibling'] },
    request: { method: 'GET', target, headers: { origin: PROBE } },
  };
}

/** One run of the probes in one order: responses by probe key, and the neighbours sent between. */
interface Pass {
  readonly name: string;
  readonly responses: ReadonlyMap<string, RawResponse>;
  readonly siblings: readonly (readonly [Probe, RawResponse])[];
  readonly requests: number;
}

async function runPass(
  name: string,
  client: RawHttpClient,
  ordered: readonly Probe[],
): Promise<Pass> {
  const received = await client.sendAll(
    ordered.map((probe) => probe.request),
    CONCURRENCY,
  );
  const responses = new Map<string, RawResponse>();
  const siblings: [Probe, RawResponse][] = [];
  ordered.forEach((probe, index) => {
    if (probe.key.startsWith('sibling ')) siblings.push([probe, received[index]!]);
    else responses.set(probe.key, received[index]!);
  });
  return { name, responses, siblings, requests: ordered.length };
}

/**
 * Checks one pass: each actual response against the handler that ran, each preflight against the
 * handler its actual request ran in the same pass.
 */
function checkPass(variant: string, pass: Pass, probes: readonly Probe[]): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const record = (
    probe: Probe,
    fields: Omit<Mismatch, 'variant' | 'pass' | 'method' | 'target' | 'mutations'>,
  ) =>
    mismatches.push({
      variant,
      pass: pass.name,
      method: probe.method,
      target: probe.origin.target,
      mutations: probe.origin.mutations,
      ...fields,
    });
  const judge = (probe: Probe, response: RawResponse, actual: RawResponse) => {
    if (response.status === 0) {
      record(probe, {
        check: probe.kind,
        ran: describeRun(response),
        expected: 'a response',
        observed: response.error ?? 'no response',
        headers: '',
        group: `${probe.kind}: no response`,
      });
      return;
    }
    // A preflight that the router itself refused reached no hook, whatever its actual request
    // would get.
    const expected =
      (probe.kind === 'preflight' ? beforeHooks(response) : undefined) ?? expectedFor(actual);
    const observed = observe(probe.kind, response);
    if (satisfies(observed, expected)) return;
    record(probe, {
      check: probe.kind,
      ran: describeRun(actual),
      expected: describeExpected(expected),
      observed: describeObserved(observed),
      headers: showHeaders(response),
      group: groupOf(probe.kind, expected, observed),
    });
  };
  const checkActual = (probe: Probe, response: RawResponse) => {
    judge(probe, response, response);
    // The header and the body must name the same handler, or the fixture is broken.
    const handler = handlerOf(response);
    if (handler !== undefined && probe.method !== 'HEAD' && response.body !== `h:${handler}`) {
      record(probe, {
        check: 'fixture',
        ran: describeRun(response),
        expected: `body h:${handler}`,
        observed: `body ${response.body.slice(0, 60)}`,
        headers: showHeaders(response),
        group: 'fixture: the body names another handler than the header',
      });
    }
  };

  for (const probe of probes) {
    const response = pass.responses.get(probe.key)!;
    if (probe.kind === 'actual') {
      checkActual(probe, response);
      continue;
    }
    const actual = pass.responses.get(`actual ${probe.method} ${probe.origin.target}`)!;
    // Without an actual response there is nothing to compare with; that is reported already.
    if (actual.status !== 0) judge(probe, response, actual);
  }
  for (const [probe, response] of pass.siblings) checkActual(probe, response);
  return mismatches;
}

/** What must not depend on the order of requests: the handler, the status and the CORS answer. */
function answerOf(kind: ProbeKind, response: RawResponse): string {
  const ran = kind === 'actual' ? describeRun(response) : `preflight ${response.status}`;
  return `${ran}, ${describeObserved(observe(kind, response))}`;
}

function compareOrders(
  variant: string,
  first: Pass,
  second: Pass,
  probes: readonly Probe[],
): Mismatch[] {
  const mismatches: Mismatch[] = [];
  for (const probe of probes) {
    const one = first.responses.get(probe.key)!;
    const two = second.responses.get(probe.key)!;
    const a = answerOf(probe.kind, one);
    const b = answerOf(probe.kind, two);
    if (a === b) continue;
    mismatches.push({
      variant,
      pass: `${first.name} vs ${second.name}`,
      check: 'order',
      method: probe.kind === 'preflight' ? `OPTIONS for ${probe.method}` : probe.method,
      target: probe.origin.target,
      mutations: probe.origin.mutations,
      ran: `${describeRun(one)} / ${describeRun(two)}`,
      expected: a,
      observed: b,
      headers: `${showHeaders(one)} / ${showHeaders(two)}`,
      group: `order: a${probe.kind === 'actual' ? 'n actual request' : ' preflight'} answered differently`,
    });
  }
  return mismatches;
}

/**
 * A bounded, readable failure: counts by group and by mutation, then examples taken from each
 * group in turn, so that one loud group does not hide the others.
 */
function summarize(variant: string, mismatches: readonly Mismatch[], requests: number): string {
  const groups = new Map<string, Mismatch[]>();
  for (const mismatch of mismatches) {
    const list = groups.get(mismatch.group) ?? [];
    list.push(mismatch);
    groups.set(mismatch.group, list);
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  // The plainest targets explain best; one example per target, since its GET and HEAD (or both
  // passes) usually fail alike.
  const plainestFirst = (a: Mismatch, b: Mismatch) =>
    a.mutations.length - b.mutations.length || a.target.length - b.target.length;
  const queues = sorted.map(([, list]) => [...list].sort(plainestFirst));
  const examples: Mismatch[] = [];
  const shown = new Set<string>();
  while (examples.length < LISTED && queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) {
      let next = queue.shift();
      while (next !== undefined && shown.has(next.target)) next = queue.shift();
      if (next === undefined || examples.length >= LISTED) continue;
      shown.add(next.target);
      examples.push(next);
    }
  }
  // Targets with at most one mutation point at the rewrite that a router undoes and the CORS
  // lookup does not (or the other way round).
  const byMutation = new Map<string, number>();
  for (const { mutations } of mismatches) {
    const own = mutations.filter((name) => name !== 'sibling');
    if (own.length > 1) continue;
    const name = own[0] ?? 'as declared';
    byMutation.set(name, (byMutation.get(name) ?? 0) + 1);
  }
  return [
    `${variant}: ${mismatches.length} mismatches in ${requests} requests (seed ${SEED}, ` +
      `${TARGETS} targets; ROUTE_FIDELITY_SEED and ROUTE_FIDELITY_TARGETS replay or widen it)`,
    ...sorted.map(([group, list]) => `  ${String(list.length).padStart(5)}  ${group}`),
    'by mutation, among targets with at most one:',
    ...[...byMutation.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => `  ${String(count).padStart(5)}  ${name}`),
    `first ${examples.length}:`,
    ...examples.map(
      (m) =>
        `  ${m.method} ${m.target}  [${m.mutations.join(', ') || 'as declared'}; ${m.pass}]\n` +
        `      ran ${m.ran}; expected ${m.expected}; got ${m.observed}; headers ${m.headers}`,
    ),
  ].join('\n');
}

const reported: Mismatch[] = [];
afterAll(() => {
  if (REPORT_FILE !== undefined) writeFileSync(REPORT_FILE, JSON.stringify(reported, null, 1));
});

/** Fails with the summary when there are mismatches, keeping them for the report file. */
function expectNone(variant: string, mismatches: readonly Mismatch[], requests: number): void {
  reported.push(...mismatches);
  if (mismatches.length > 0) throw new Error(summarize(variant, mismatches, requests));
}

describe('route fidelity: CORS headers come from the policy of the handler the router ran', () => {
  describe.each(VARIANTS.map((variant) => [variant.name, variant] as const))(
    '%s',
    (name, variant) => {
      let app: TestApp;
      let client: RawHttpClient;
      let probes: Probe[];
      let first: Pass;
      let second: Pass;
      let fromPasses: Mismatch[];

      beforeAll(async () => {
        app = await startApp(
          variant.platform,
          ROUTE_FIDELITY_MODULES[variant.platform],
          setUpRouteFidelity,
          variant.options,
          variant.fastifyOptions,
        );
        await app.app.listen(0, '127.0.0.1');
        client = new RawHttpClient(portOf(app.app.getHttpServer() as Server), CONCURRENCY);

        const random = new Random(SEED);
        probes = probesFor(generateTargets(SAMPLE_PATHS[variant.platform], TARGETS, random));
        first = await runPass('first order', client, random.shuffle(probes));
        // The second order puts neighbours that a path cache could confuse with a target (`/docs`
        // and `/docs/`, another case) right before it.
        second = await runPass(
          'second order',
          client,
          random
            .shuffle(probes)
            .flatMap((probe) =>
              random.chance(SIBLING_RATE) ? [siblingProbe(probe, random), probe] : [probe],
            ),
        );
        fromPasses = [...checkPass(name, first, probes), ...checkPass(name, second, probes)];
      }, 120_000);

      afterAll(async () => {
        client?.close();
        await app?.close();
      });

      const requests = () => first.requests + second.requests;

      it("the variant's router options took effect", async () => {
        const reached: Record<string, string | undefined> = {};
        for (const target of Object.keys(variant.proof)) {
          reached[target] = handlerOf(await client.send({ method: 'GET', target }));
        }
        expect(reached).toEqual(variant.proof);
      });

      it('the targets reach every handler that no earlier route shadows', () => {
        const reached = new Set<string>();
        for (const response of [...first.responses.values(), ...second.responses.values()]) {
          const handler = handlerOf(response);
          if (handler !== undefined) reached.add(handler);
        }
        const declared = [...HANDLER_IDS[variant.platform]];
        expect(declared.filter((id) => !reached.has(id)).sort()).toEqual(
          [...variant.shadowed].sort(),
        );
      });

      it('actual responses carry the policy of the handler that ran, the default when none did', () => {
        expectNone(
          name,
          fromPasses.filter((m) => m.check === 'actual' || m.check === 'fixture'),
          requests(),
        );
      });

      it('preflights carry the policy of the handler that the announced request runs', () => {
        expectNone(
          name,
          fromPasses.filter((m) => m.check === 'preflight'),
          requests(),
        );
      });

      it('answers do not depend on the order of requests', () => {
        expectNone(name, compareOrders(name, first, second, probes), requests());
      });
    },
  );
});
