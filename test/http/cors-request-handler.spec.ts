import type { IncomingMessage } from 'node:http';
import { buildPolicy } from '../../lib/engine/build-policy';
import type { DenialLogger } from '../../lib/http/hook-reports';
import {
  CorsRequestHandler,
  type HookOutcome,
  type RequestHandlerSettings,
  type RouteFinder,
} from '../../lib/http/cors-request-handler';
import type { HeaderAccess } from '../../lib/http/response-headers';
import { PolicyHandle } from '../../lib/policy/policy-handle';
import { CsrfTrust } from '../../lib/http/csrf-trust';
import type { RouteRecord, RouteTarget } from '../../lib/routing/route-record';
import { RouteResolution } from '../../lib/routing/route-resolution';
import { SharedUrl } from '../../lib/routing/shared-url';
import { hookDecisionFor } from '../../lib/http/hook-decisions';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const handleOf = (options: Parameters<typeof buildPolicy>[0]) =>
  new PolicyHandle('test', buildPolicy(options));
const DEFAULT = handleOf({ origin: APP });
const ADMIN_ONLY = handleOf({ origin: ADMIN, methods: ['PUT'] });
const CONTINUING = handleOf({ origin: ADMIN, preflightContinue: true });

type Headers = Map<string, string>;
const ACCESS: HeaderAccess<Headers> = {
  get: (headers, name) => headers.get(name.toLowerCase()),
  set: (headers, name, value) => void headers.set(name.toLowerCase(), value),
  remove: (headers, name) => void headers.delete(name.toLowerCase()),
};

const target = (policy: RouteTarget['policy'], hosts?: RegExp[]): RouteTarget => ({
  policy,
  hosts,
  versions: undefined,
});

/** A Nest route's target: its policy, and the handler it runs. */
const record = (policy: RouteTarget['policy'], method = 'PUT'): RouteRecord => ({
  ...target(policy),
  method,
  path: '/x',
  controller: class ItemsController {},
  methodName: method.toLowerCase(),
  handler: {},
});

const SETTINGS: RequestHandlerSettings = {
  defaultPolicy: DEFAULT,
  defaultRoute: target(DEFAULT),
  pathPolicies: [],
  routeMethods: [],
  readVersion: undefined,
  uniformNoOriginVary: undefined,
  logDenial: undefined,
  csrfTrust: new CsrfTrust(),
};

/** A router that knows one route, and notes what it was asked. */
class OneRoute implements RouteFinder<IncomingMessage> {
  readonly asked: string[] = [];
  constructor(private readonly route: RouteResolution | undefined) {}
  actualRoute(request: IncomingMessage) {
    this.asked.push(`actual ${request.method}`);
    return this.route;
  }
  preflightRoute(_request: IncomingMessage, method: string) {
    this.asked.push(`preflight ${method}`);
    return this.route;
  }
}

function request(method: string, headers: Record<string, string> = {}): IncomingMessage {
  return { method, url: '/x', headers } as unknown as IncomingMessage;
}

function handlerFor(
  route: RouteResolution | undefined,
  settings: Partial<RequestHandlerSettings> = {},
) {
  const router = new OneRoute(route);
  const handler = new CorsRequestHandler<IncomingMessage, Headers>(router, ACCESS, {
    ...SETTINGS,
    ...settings,
  });
  const handle = (sent: IncomingMessage) => {
    const headers: Headers = new Map();
    const outcome = handler.handle(sent, sent, headers);
    if (outcome instanceof Promise) throw new Error('expected a synchronous outcome');
    return { outcome, headers };
  };
  return { router, handler, handle };
}

describe('CorsRequestHandler', () => {
  it("writes the headers of the route's policy and lets the request go on", () => {
    const { handle, router } = handlerFor(RouteResolution.of([target(ADMIN_ONLY)]));
    const { outcome, headers } = handle(request('GET', { origin: ADMIN }));
    expect(outcome).toEqual({ kind: 'continue' });
    expect(headers.get('access-control-allow-origin')).toBe(ADMIN);
    expect(headers.get('vary')).toBe('Origin');
    expect(router.asked).toEqual(['actual GET']);
  });

  it('uses the default policy where the router found no route', () => {
    const { handle } = handlerFor(undefined);
    expect(handle(request('GET', { origin: APP })).headers.get('access-control-allow-origin')).toBe(
      APP,
    );
    expect(
      handle(request('GET', { origin: ADMIN })).headers.has('access-control-allow-origin'),
    ).toBe(false);
  });

  it('writes nothing at all for a route with CORS switched off', () => {
    const { handle } = handlerFor(RouteResolution.of([target(null)]));
    const { outcome, headers } = handle(request('GET', { origin: APP }));
    expect(outcome).toEqual({ kind: 'continue' });
    expect([...headers]).toEqual([]);
  });

  it("asks the router for the preflight's requested method and answers it", () => {
    const { handle, router } = handlerFor(RouteResolution.of([target(ADMIN_ONLY)]));
    const { outcome, headers } = handle(
      request('OPTIONS', { origin: ADMIN, 'access-control-request-method': 'PUT' }),
    );
    expect(router.asked).toEqual(['preflight PUT']);
    expect(outcome).toEqual({ kind: 'answer', status: 204 });
    expect(headers.get('access-control-allow-methods')).toBe('PUT');
  });

  it('hands a preflight on when its policy says preflightContinue', () => {
    const { handle } = handlerFor(RouteResolution.of([target(CONTINUING)]));
    const { outcome, headers } = handle(
      request('OPTIONS', { origin: ADMIN, 'access-control-request-method': 'PUT' }),
    );
    expect(outcome).toEqual({ kind: 'continue' });
    expect(headers.get('access-control-allow-origin')).toBe(ADMIN);
  });

  it('treats OPTIONS without Origin or without a requested method as an ordinary request', () => {
    const { handle, router } = handlerFor(RouteResolution.of([target(ADMIN_ONLY)]));
    expect(handle(request('OPTIONS', { origin: ADMIN })).outcome).toEqual({ kind: 'continue' });
    expect(handle(request('OPTIONS', { 'access-control-request-method': 'PUT' })).outcome).toEqual({
      kind: 'continue',
    });
    expect(router.asked).toEqual(['actual OPTIONS', 'actual OPTIONS']);
  });

  it('answers a request without Origin from the shared Vary alone when every policy agrees', () => {
    const { handle, router } = handlerFor(RouteResolution.of([target(ADMIN_ONLY)]), {
      uniformNoOriginVary: 'Origin',
    });
    const { headers } = handle(request('GET'));
    expect([...headers]).toEqual([['vary', 'Origin']]);
    expect(router.asked).toEqual([]);
  });

  it('reads the shared Vary, a getter that follows replace(), once per request without Origin', () => {
    let reads = 0;
    const settings = Object.defineProperty({ ...SETTINGS }, 'uniformNoOriginVary', {
      get: () => (reads++, 'Origin'),
    });
    const route = new OneRoute(RouteResolution.of([target(ADMIN_ONLY)]));
    const handler = new CorsRequestHandler<IncomingMessage, Headers>(route, ACCESS, settings);
    const headers: Headers = new Map();
    void handler.handle(request('GET'), request('GET'), headers);
    expect([...headers]).toEqual([['vary', 'Origin']]);
    expect(reads).toBe(1);
  });

  it('chooses among host-bound targets with the Host header', () => {
    const route = RouteResolution.of([target(ADMIN_ONLY, [/^admin\.local$/]), target(DEFAULT)]);
    const { handle } = handlerFor(route);
    const admin = handle(request('GET', { origin: ADMIN, host: 'admin.local:3000' }));
    expect(admin.headers.get('access-control-allow-origin')).toBe(ADMIN);
    const other = handle(request('GET', { origin: APP, host: 'www.local' }));
    expect(other.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('answers a preflight Access-Control-Max-Age: 0 where the route shares its URL with another policy', () => {
    const cached = handleOf({ origin: ADMIN, maxAge: 600 });
    const sharedWith = (sibling: PolicyHandle) => ({
      ...record(cached),
      sharedUrl: new SharedUrl(cached, [sibling]),
    });
    const preflight = request('OPTIONS', {
      origin: ADMIN,
      'access-control-request-method': 'PUT',
    });
    const maxAgeWith = (route: RouteTarget) =>
      handlerFor(RouteResolution.of([route]), { routeMethods: ['GET', 'PUT'] })
        .handle(preflight)
        .headers.get('access-control-max-age');
    expect(maxAgeWith(record(cached))).toBe('600');
    expect(maxAgeWith(sharedWith(cached))).toBe('600');
    // Another handle of the same compiled policy (the registry compiles equal options once).
    expect(maxAgeWith(sharedWith(new PolicyHandle('equal', cached.fixedPolicy!)))).toBe('600');
    expect(maxAgeWith(sharedWith(ADMIN_ONLY))).toBe('0');
  });

  describe('a preflight no Nest route answers', () => {
    const fallback = handleOf({ origin: ADMIN, maxAge: 600 });
    const preflight = request('OPTIONS', {
      origin: ADMIN,
      'access-control-request-method': 'PATCH',
      'access-control-request-headers': 'x-secret',
    });
    /** Answers with `own` for PATCH, and with `others[method]` for the other methods. */
    const answer = (
      own: RouteResolution | undefined,
      others: Record<string, RouteResolution | undefined>,
    ) => {
      const asked: string[] = [];
      const router: RouteFinder<IncomingMessage> = {
        actualRoute: () => undefined,
        preflightRoute: (_request, method) => {
          asked.push(method);
          return method === 'PATCH' ? own : others[method];
        },
      };
      const handler = new CorsRequestHandler<IncomingMessage, Headers>(router, ACCESS, {
        ...SETTINGS,
        defaultPolicy: fallback,
        routeMethods: ['GET', 'PATCH', 'POST'],
      });
      const headers: Headers = new Map();
      void handler.handle(preflight, preflight, headers);
      return { maxAge: headers.get('access-control-max-age'), asked };
    };
    const of = (target: RouteTarget) => RouteResolution.of([target]);

    it('asks which route each other method of a Nest route reaches at its URL', () => {
      expect(answer(undefined, {})).toEqual({ maxAge: '600', asked: ['PATCH', 'GET', 'POST'] });
    });

    it('keeps maxAge where those routes answer with the same policy', () => {
      expect(answer(undefined, { GET: of(record(fallback, 'GET')) }).maxAge).toBe('600');
      // A paths entry or a route outside Nest, under the same policy.
      expect(answer(of(target(fallback)), { POST: of(target(fallback)) }).maxAge).toBe('600');
    });

    it('answers Max-Age 0 where one of them has another policy, none, or one chosen per request', () => {
      expect(answer(undefined, { GET: of(record(ADMIN_ONLY, 'GET')) }).maxAge).toBe('0');
      expect(answer(of(target(fallback)), { POST: of(record(null, 'POST')) }).maxAge).toBe('0');
      const hostBound = { ...record(fallback, 'GET'), hosts: [/^a\.example$/] };
      expect(answer(undefined, { GET: of(hostBound) }).maxAge).toBe('0');
    });

    it('asks nothing more for a preflight it refuses: only an approval can be cached', () => {
      const refusedAsked: string[] = [];
      const refusing = new CorsRequestHandler<IncomingMessage, Headers>(
        {
          actualRoute: () => undefined,
          preflightRoute: (_request, method) => {
            refusedAsked.push(method);
            return undefined;
          },
        },
        ACCESS,
        { ...SETTINGS, defaultPolicy: fallback, routeMethods: ['GET', 'PATCH', 'POST'] },
      );
      const evil = request('OPTIONS', {
        origin: 'https://evil.example',
        'access-control-request-method': 'PATCH',
      });
      void refusing.handle(evil, evil, new Map());
      expect(refusedAsked).toEqual(['PATCH']);
    });

    it('stops asking at the first route of another policy', () => {
      const { asked } = answer(undefined, { GET: of(record(ADMIN_ONLY, 'GET')) });
      expect(asked).toEqual(['PATCH', 'GET']);
    });

    it('counts a host-bound Nest route whose host does not match as no answer of its own', () => {
      const other = { ...record(ADMIN_ONLY, 'PATCH'), hosts: [/^admin\.example$/] };
      expect(answer(of(other), { GET: of(record(ADMIN_ONLY, 'GET')) }).maxAge).toBe('0');
      expect(answer(of(other), {}).maxAge).toBe('600');
    });
  });

  it('logs denials with their reason, but not requests without Origin', () => {
    const logged: string[] = [];
    const logDenial: DenialLogger = (_request, decision, preflight) =>
      logged.push(`${preflight ? 'preflight' : 'actual'}: ${decision.reason}`);
    const { handle } = handlerFor(RouteResolution.of([target(ADMIN_ONLY)]), { logDenial });
    handle(request('GET', { origin: 'https://evil.example' }));
    handle(request('GET'));
    handle(request('OPTIONS', { origin: ADMIN, 'access-control-request-method': 'PATCH' }));
    expect(logged).toEqual(['actual: origin-not-allowed', 'preflight: method-not-allowed']);
  });

  describe('keeping its decision for the guard and the interceptor', () => {
    const reading = (policy: RouteTarget['policy']): RouteTarget => ({
      ...target(policy),
      readsHookDecision: true,
    });

    it("keeps an actual request's decision and its policy, for a handler that reads it", () => {
      const { handle } = handlerFor(RouteResolution.of([reading(ADMIN_ONLY)]));
      const sent = request('GET', { origin: ADMIN });
      handle(sent);
      expect(hookDecisionFor(sent, ADMIN_ONLY.fixedPolicy!)).toMatchObject({ allowed: true });
      expect(hookDecisionFor(sent, DEFAULT.fixedPolicy!)).toBeUndefined();
    });

    it('keeps nothing for a preflight, nor where no handler of that policy reads it', () => {
      const keeping = handlerFor(RouteResolution.of([reading(ADMIN_ONLY)]));
      const asked = request('OPTIONS', { origin: ADMIN, 'access-control-request-method': 'PUT' });
      keeping.handle(asked);
      expect(hookDecisionFor(asked, ADMIN_ONLY.fixedPolicy!)).toBeUndefined();
      const sent = request('GET', { origin: ADMIN });
      handlerFor(RouteResolution.of([target(ADMIN_ONLY)])).handle(sent);
      expect(hookDecisionFor(sent, ADMIN_ONLY.fixedPolicy!)).toBeUndefined();
      expect(Object.getOwnPropertySymbols(sent)).toEqual([]);
      // A reading handler of another policy on the same route: the hook decided with the default.
      const other = request('GET', { origin: APP, host: 'elsewhere.example' });
      const ambiguous = RouteResolution.of([
        { ...reading(ADMIN_ONLY), hosts: [/^admin\./] },
        target(DEFAULT),
      ]);
      handlerFor(ambiguous).handle(other);
      expect(Object.getOwnPropertySymbols(other)).toEqual([]);
    });

    it('keeps its decision and records a CSRF approval where both apply', () => {
      const csrfTrust = new CsrfTrust();
      csrfTrust.enabled = true;
      const credentialed = handleOf({ origin: ADMIN, credentials: true });
      const { handle } = handlerFor(RouteResolution.of([reading(credentialed)]), { csrfTrust });
      const sent = request('POST', { origin: ADMIN });
      handle(sent);
      expect(hookDecisionFor(sent, credentialed.fixedPolicy!)).toMatchObject({ allowed: true });
      expect(csrfTrust.has(sent)).toBe(true);
    });
  });

  describe('run', () => {
    it('waits for an asynchronous origin predicate, then proceeds', async () => {
      const policy = handleOf({ origin: async (o) => o === ADMIN });
      const { handler } = handlerFor(RouteResolution.of([target(policy)]));
      const sent = request('GET', { origin: ADMIN });
      const headers: Headers = new Map();
      const outcome = await new Promise<HookOutcome>((resolve, reject) =>
        handler.run(sent, sent, headers, resolve, reject),
      );
      expect(outcome).toEqual({ kind: 'continue' });
      expect(headers.get('access-control-allow-origin')).toBe(ADMIN);
    });

    it('hands an error to fail instead of throwing', () => {
      const broken: RouteFinder<IncomingMessage> = {
        actualRoute: () => {
          throw new Error('router broke');
        },
        preflightRoute: () => undefined,
      };
      const handler = new CorsRequestHandler<IncomingMessage, Headers>(broken, ACCESS, SETTINGS);
      const sent = request('GET', { origin: APP });
      const failures: unknown[] = [];
      handler.run(
        sent,
        sent,
        new Map(),
        () => failures.push('proceeded'),
        (e) => failures.push(e),
      );
      expect(failures).toEqual([new Error('router broke')]);
    });
  });
});
