/**
 * Which route an actual request of another method reaches on Fastify: a find-my-way router of its
 * own, holding every (method, path) the application serves.
 */
import { createFindMyWay, type FindMyWay } from './fastify-internals.js';

/** The router options that decide which registered path a URL matches. */
const PATH_MATCHING_OPTIONS = [
  'caseSensitive',
  'ignoreTrailingSlash',
  'ignoreDuplicateSlashes',
  'maxParamLength',
  'allowUnsafeRegex',
  'useSemicolonDelimiter',
] as const;

/** A route found, with the parameters the router read from the URL. */
export interface FoundRoute<Store> {
  readonly store: Store;
  readonly params: unknown;
}

/** What {@link MethodRoutes.find} answers when it cannot know: a route may have been left out. */
export const UNKNOWN_ROUTE = Symbol('nestjs-cors:unknown-route');

/**
 * What {@link MethodRoutes.find} answers for a URL that Fastify's router answers itself, before any
 * hook runs: a parameter longer than `maxParamLength` (414), a path it cannot decode (400).
 */
export const REFUSED_URL = Symbol('nestjs-cors:refused-url');

/**
 * Which route an actual request of some method to a URL reaches on Fastify, for a request that was
 * routed as something else (a preflight). Fastify's `findRoute()` says whether a route matches,
 * not which one: it returns the one handler function every route shares. So every route is also
 * registered here, once per (method, path), with the note its preflights get as its store, on a
 * router of find-my-way's own (see `createFindMyWay`), with the router options of the application
 * that change which path a URL matches. Its `find()` is what Fastify's routing runs on a request's
 * method and URL.
 *
 * find-my-way keeps one tree per method, and so does this, one router per method, each built at
 * the first question about its method: until then its routes are kept in a list, two slots a
 * route. A route in find-my-way costs about 2 KB and some 20 µs to add (compiled functions; the
 * first PUT preflight of an app of 5,000 routes, 2,500 of them PUT, took 66 ms against 18 ms with
 * `app.enableCors()`, and grew the heap by 5.7 MB), paid for the methods clients preflight (`HEAD`, which
 * Fastify adds for every `GET` route, seldom is), and for every method Nest serves at the first
 * approved preflight that no Nest route answers (see `siblingDisagrees`). A method no route has is
 * never built: its trees come from registered routes only, never from a request.
 *
 * Where find-my-way cannot be loaded, a lookup answers {@link UNKNOWN_ROUTE} rather than a wrong
 * "none"; so does one that reaches a route find-my-way holds as one with another (see
 * `MethodTree.ambiguous`).
 */
export class MethodRoutes<Store> {
  private readonly trees = new Map<string, MethodTree>();
  /**
   * The last answer, by method and URL: a preflight is looked up as the router derives its
   * constraints (`PreflightCatchAll`), then again by the request hook, in the same turn.
   */
  private lastMethod: string | undefined;
  private lastUrl: string | undefined;
  private lastFound: Found<Store> = null;

  /**
   * @param option reads one of the application's router options.
   * @param routerAnswers whether the application's own router finds anything for a request with
   *   this method and URL (Fastify's `findRoute()`): asked where this router refuses a URL, since
   *   earlier Fastify releases hand a too long parameter to the not-found handler rather than
   *   answer 414, with a find-my-way that can refuse it (Nest 11.0's Fastify 5.2 does).
   */
  constructor(
    private readonly option: (name: string) => unknown,
    private readonly routerAnswers: (method: string, url: string) => boolean,
  ) {}

  /** Registers the route of one (method, path); called once per path shape (see {@link shapeOf}). */
  add(method: string, path: string, store: Store): void {
    let tree = this.trees.get(method);
    if (tree === undefined) {
      tree = {
        pending: [],
        router: undefined,
        shapes: undefined,
        ambiguous: undefined,
        complete: true,
      };
      this.trees.set(method, tree);
    }
    this.lastMethod = undefined;
    tree.shapes?.add(shapeOf(path));
    (tree.pending ?? tree.paths!).push(path, store);
    if (tree.pending === undefined) on(tree, method, path, store);
  }

  /**
   * Whether a route of `method` with the shape of `path` is registered. Asked only of routes that
   * come after Nest's (a plugin's): the shapes of a method are gathered at its first such question.
   */
  has(method: string, path: string): boolean {
    const tree = this.trees.get(method);
    if (tree === undefined) return false;
    if (tree.shapes === undefined) {
      tree.shapes = new Set();
      const paths = tree.pending ?? tree.paths!;
      for (let i = 0; i < paths.length; i += 2) tree.shapes.add(shapeOf(paths[i] as string));
    }
    return tree.shapes.has(shapeOf(path));
  }

  /** The route a request with `method` to `url` (the raw request target) reaches, or `null`. */
  find(method: string, url: string): Found<Store> {
    if (url === this.lastUrl && method === this.lastMethod) return this.lastFound;
    const found = this.lookUp(method, url);
    this.lastMethod = method;
    this.lastUrl = url;
    this.lastFound = found;
    return found;
  }

  private lookUp(method: string, url: string): Found<Store> {
    const tree = this.trees.get(method);
    if (tree === undefined) return null;
    if (tree.pending !== undefined) this.build(tree, method, tree.pending);
    if (!tree.complete) return UNKNOWN_ROUTE;
    try {
      const found = tree.router!.find(method, url) as FoundRoute<Store | null> | null;
      if (found === null) return null;
      // Only the refusals below have no store: every route registered here has one.
      if (found.store === null) return this.routerAnswers(method, url) ? REFUSED_URL : null;
      if (tree.ambiguous?.has(found.store) === true) return UNKNOWN_ROUTE;
      return found as FoundRoute<Store>;
    } catch {
      return UNKNOWN_ROUTE;
    }
  }

  /** Builds the router of one method, with the routes kept so far. */
  private build(tree: MethodTree, method: string, pending: unknown[]): void {
    tree.pending = undefined;
    tree.paths = pending;
    const options: Record<string, unknown> = {};
    for (const name of PATH_MATCHING_OPTIONS) {
      const value = this.option(name);
      if (value !== undefined) options[name] = value;
    }
    // As Fastify's router does, find-my-way answers such URLs with a handler of these (and no
    // store); releases without the option find no route, as Fastify's router then does too.
    options.onMaxParamLength = refuse;
    options.onBadUrl = refuse;
    tree.router = createFindMyWay(options);
    if (tree.router === undefined) tree.complete = false;
    for (let i = 0; i < pending.length; i += 2) {
      on(tree, method, pending[i] as string, pending[i + 1]);
    }
  }
}

/** What {@link MethodRoutes.find} answers. */
export type Found<Store> = FoundRoute<Store> | null | typeof UNKNOWN_ROUTE | typeof REFUSED_URL;

/** The routes of one method: kept in a list until the first question, then in a router. */
interface MethodTree {
  /** Until the router is built: path and store of each route, one after the other. */
  pending: unknown[] | undefined;
  router: FindMyWay | undefined;
  /** Once the router is built: the same list, which later routes join (for {@link MethodRoutes.has}). */
  paths?: unknown[];
  /** The shapes of the paths registered, once {@link MethodRoutes.has} is first asked. */
  shapes: Set<string> | undefined;
  /**
   * The stores of routes that find-my-way holds as one with a later route it refused: paths that
   * differ in a way {@link shapeOf} does not see (case, a trailing slash, under lenient router
   * options). A URL that reaches one cannot be told apart: it is answered {@link UNKNOWN_ROUTE}.
   */
  ambiguous: Set<unknown> | undefined;
  /** Whether every route was taken (false where find-my-way is missing). */
  complete: boolean;
}

function on(tree: MethodTree, method: string, path: string, store: unknown): void {
  if (tree.router === undefined) return;
  try {
    tree.router.on(method, path, noop, store);
  } catch {
    const existing = tree.router.findRoute?.(method, path);
    if (existing?.store === undefined || existing.store === null) tree.complete = false;
    else (tree.ambiguous ??= new Set()).add(existing.store);
  }
}

/**
 * A path as find-my-way tells routes apart: without its parameters' names (`/users/:id` and
 * `/users/:userId` are one route to it, which Fastify takes twice only under different
 * constraints, a host or a version). A name runs from `:` to `(`, `-`, `.`, `/` or the end; `::`
 * is a literal colon.
 */
export function shapeOf(path: string): string {
  return path.includes(':') ? path.replace(/::|:[^(\-./]*/g, (m) => (m === '::' ? m : ':')) : path;
}

function noop(): void {}

function refuse(): void {}
