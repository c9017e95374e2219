/**
 * The Express layer index against Express's own layers: for generated apps and pathnames, every
 * layer whose `match()` accepts (or throws on) a pathname is among its candidates, in stack order.
 */
import { ExpressAdapter } from '@nestjs/platform-express';
import fc from 'fast-check';
import type { ExpressLayer, ExpressRouter } from '../../../lib/http/express/express-app';
import { ExpressLayerIndex } from '../../../lib/http/express/express-layer-index';

type Handler = (request: unknown, response: { end(): void }) => void;
interface App {
  router: ExpressRouter & { caseSensitive: boolean; strict: boolean };
  use(...args: unknown[]): unknown;
  get(path: unknown, handler: Handler): unknown;
  put(path: unknown, handler: Handler): unknown;
  all(path: unknown, handler: Handler): unknown;
}

const handler: Handler = (_request, response) => response.end();

/** An Express app as Nest's adapter makes it, with the router settings given. */
function newApp(settings: { caseSensitive?: boolean; strict?: boolean } = {}): App {
  const app = new ExpressAdapter().getInstance<App>();
  app.router.caseSensitive = settings.caseSensitive === true;
  app.router.strict = settings.strict === true;
  return app;
}

function candidatesOf(index: ExpressLayerIndex, pathname: string): number[] {
  const found: number[] = [];
  index.start(pathname);
  for (let at = index.next(); at !== -1; at = index.next()) found.push(at);
  return found;
}

/** Whether the router could stop at this layer: its `match()` accepts the pathname, or throws. */
function reaches(layer: ExpressLayer, pathname: string): boolean {
  try {
    return Boolean(layer.match(pathname));
  } catch {
    return true;
  }
}

const WORDS = ['api', 'API', 'Api', 'v1', 'items', 'c5', 'r3', 'a%20b', 'A%2fb', 'x.json', '', 'é'];

/** Route and mount paths: literal, parameter, wildcard, group, regular expression, lists. */
const routePath = fc.oneof(
  fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`),
  fc
    .tuple(
      fc.array(fc.constantFrom(...WORDS), { maxLength: 2 }),
      fc.constantFrom(':id', '*rest', '{*rest}', '{/:x}', ':a.:b', 'v:n', '\\:x', '{x}'),
      fc.constantFrom('', '/', '/items'),
    )
    .map(([head, syntax, tail]) => `/${[...head, syntax].join('/')}${tail}`),
  fc.constantFrom('/', '//', '/api/', '/API//', '//api', ''),
  fc.constantFrom(/^\/api\/(\d+)$/i, /^\/(x)?/, ['/api/items', '/v1']),
);

type Step = { kind: 'get' | 'put' | 'all' | 'use' | 'use-router' | 'use-all'; path: unknown };
const step: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom('get', 'put', 'all', 'use', 'use-router', 'use-all'),
  path: routePath,
});

/** Pathnames of the same words, mutated as clients do: case, slashes, escapes, bad escapes. */
const pathname = fc
  .tuple(
    fc.array(fc.constantFrom(...WORDS, '42', 'AP%49', '%zz', 'ſ', 'K'), { maxLength: 5 }),
    fc.constantFrom('', '/', '//'),
    fc.constantFrom('/', '', '*'),
  )
  .map(([segments, trail, lead]) => `${lead}${segments.join('/')}${trail}`);

function build(app: App, steps: readonly Step[]): void {
  for (const { kind, path } of steps) {
    if (kind === 'use-all') app.use(handler);
    else if (kind === 'use') app.use(path, handler);
    else if (kind === 'use-router') {
      const router = new ExpressAdapter().getInstance<App>();
      router.get('/inner', handler);
      app.use(path, router);
    } else app[kind](path, handler);
  }
}

describe('ExpressLayerIndex', () => {
  it.each([
    ['default routing', {}],
    ['case-sensitive routing', { caseSensitive: true }],
    ['strict routing', { strict: true }],
    ['case-sensitive and strict routing', { caseSensitive: true, strict: true }],
  ])(
    'leaves out no layer that matches or throws, and keeps stack order (%s)',
    (_name, settings) => {
      fc.assert(
        fc.property(
          fc.array(step, { minLength: 1, maxLength: 25 }),
          fc.array(pathname, { minLength: 1, maxLength: 20 }),
          (steps, pathnames) => {
            const app = newApp(settings);
            // Path-to-regexp refuses some generated paths, as it would in an app: skip those.
            try {
              build(app, steps);
            } catch {
              return;
            }
            const stack = app.router.stack;
            const index = new ExpressLayerIndex(stack);
            for (const path of pathnames) {
              const candidates = candidatesOf(index, path);
              expect([...candidates].sort((a, b) => a - b)).toEqual(candidates);
              expect(new Set(candidates).size).toBe(candidates.length);
              const missing = stack
                .map((layer, at) => ({ layer, at }))
                .filter(({ layer, at }) => reaches(layer, path) && !candidates.includes(at))
                // Left out by design: `use()` without a path, which is no route and never throws.
                .filter(({ layer }) => !(layer.route === undefined && layer.slash === true));
              expect(missing.map(({ at }) => `${path} ${String(stack[at]!.rawPath)}`)).toEqual([]);
            }
          },
        ),
        { numRuns: 300, seed: 0x1d3 },
      );
    },
  );

  it('says a layer decodes nothing only where its match() never throws', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.array(pathname, { minLength: 1, maxLength: 20 }),
        (steps, pathnames) => {
          const app = newApp();
          try {
            build(app, steps);
          } catch {
            return;
          }
          const stack = app.router.stack;
          const index = new ExpressLayerIndex(stack);
          for (const path of [...pathnames, '/%zz', '/api/%E0%A4%A', '/c5/r3/%']) {
            const throwing = stack
              .map((layer, at) => ({ layer, at }))
              .filter(({ layer, at }) => {
                if (!index.decodesNothing(at)) return false;
                try {
                  layer.match(path);
                  return false;
                } catch {
                  return true;
                }
              });
            expect(throwing.map(({ layer }) => `${path} ${String(layer.rawPath)}`)).toEqual([]);
          }
        },
      ),
      { numRuns: 300, seed: 0x1d4 },
    );
    const app = newApp();
    const before = app.router.stack.length;
    app.get('/api/items/', handler);
    app.get('/api/items/:id', handler);
    app.use('/api/static', handler);
    app.use('/api/:tenant', handler);
    const index = new ExpressLayerIndex(app.router.stack);
    expect([0, 1, 2, 3].map((at) => index.decodesNothing(before + at))).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('narrows a large app to the layers under the pathname, whatever its size', () => {
    const sizes = [100, 5000].map((routes) => {
      const app = newApp();
      app.use(handler);
      for (let c = 0; c < routes / 10; c++) {
        for (let r = 0; r < 5; r++) app.get(`/api/c${c}/r${r}`, handler);
        for (let r = 0; r < 5; r++) app.put(`/api/c${c}/r${r}/:id`, handler);
      }
      app.get('/:any', handler);
      const index = new ExpressLayerIndex(app.router.stack);
      return candidatesOf(index, '/API/c7/r3/1234567').map((at) => app.router.stack[at]!.rawPath);
    });
    expect(sizes).toEqual([
      ['/api/c7/r3', '/api/c7/r3/:id', '/:any'],
      ['/api/c7/r3', '/api/c7/r3/:id', '/:any'],
    ]);
  });

  it('tells routes whose whole path is literal from the others', () => {
    const app = newApp();
    const before = app.router.stack.length;
    app.get('/api/items/', handler);
    app.get('/api/items/:id', handler);
    app.use('/api/static', handler);
    app.get('/', handler);
    const index = new ExpressLayerIndex(app.router.stack);
    const added = app.router.stack.slice(before);
    expect(added.map((_layer, at) => index.isLiteralRoute(before + at))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('describes the stack it was built from until a layer is added, removed or moved', () => {
    const app = newApp();
    app.get('/a', handler);
    app.get('/b', handler);
    const stack = app.router.stack;
    const index = new ExpressLayerIndex(stack);
    expect(index.describes(stack)).toBe(true);
    expect(index.describes([...stack])).toBe(false);
    app.get('/c', handler);
    expect(index.describes(stack)).toBe(false);
    const moved = new ExpressLayerIndex(stack);
    stack.unshift(...stack.splice(2, 1));
    expect(moved.describes(stack)).toBe(false);
    stack.pop();
    expect(moved.describes(stack)).toBe(false);
  });
});
