/**
 * The one `OPTIONS` route the module adds on Fastify: it catches preflights that no `OPTIONS` route
 * of the application takes, so that they are answered on a route rather than on Fastify's
 * not-found path.
 */
import { preflightMethodOf } from '../../engine/index.js';
import { noteOf, withNote, type RouteNote } from './fastify-route-note.js';
import type {
  ConstraintStrategy,
  FastifyLike,
  RouteHandler,
  RouteOptions,
} from './fastify-types.js';

/** The find-my-way constraint that only preflights meet. */
const PREFLIGHT_CONSTRAINT = 'nestjsCorsPreflight';
/** The value every preflight derives, and the route's constraint value. */
const PREFLIGHT = 'preflight';
/** The path of the route: every path (a wildcard matches the root too). */
const EVERY_PATH = '/*';
/** The note on its `config`. */
const CATCH_ALL_NOTE: RouteNote = Object.freeze({ preflightCatchAll: true });

/**
 * A preflight to a path without an `OPTIONS` route of the application went to Fastify's not-found
 * path: a second lookup in the not-found router, the not-found context, headers on the raw
 * response. Measured on preflights to Nest routes, this route cuts their server CPU by 8% (one
 * route) and 16% (200 routes) (`app.enableCors()` answers from a route of its own too:
 * `@fastify/cors` adds `OPTIONS *`). It is `OPTIONS /*` under a constraint that only preflights
 * meet: under `mustMatchWhenDerived: false` the constraint hides it from every other request, and
 * an `OPTIONS` route of the application's own, more specific or unconstrained on the same path, is
 * untouched. It takes only a preflight whose requested method reaches a route (`leadsToRoute`,
 * asked as the router derives the constraint; the hook's own lookup is then answered from a memo):
 * the actual request of one that reaches none goes the not-found path, which may refuse its URL
 * before any hook runs (Fastify's not-found router does not take `;` as a delimiter), and so does
 * its preflight. Which route a preflight is about is found by `PreflightTargets`: this route only
 * receives it.
 *
 * A preflight the hook hands on (`preflightContinue`, CORS switched off for its route) goes where
 * it would have gone without this route: the application's own `OPTIONS /*` handler if there is
 * one (looked up at the request, as it may be registered later), else the not-found handler.
 */
export class PreflightCatchAll {
  /** The handler of the application's own unconstrained `OPTIONS /*` route, if any. */
  private ownHandler: RouteHandler | undefined;

  /**
   * @param leadsToRoute whether an actual request with this method and URL reaches a route of the
   *   application.
   */
  constructor(
    private readonly fastify: FastifyLike,
    private readonly leadsToRoute: (method: string, url: string) => boolean,
  ) {}

  /** Whether `config` is this route's: it stands for no route of the application. */
  static owns(note: RouteNote | undefined): boolean {
    return note?.preflightCatchAll === true;
  }

  /** Notes a route of the application: its own `OPTIONS /*` is where a handed-on preflight goes. */
  note(options: RouteOptions): void {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    if (
      options.url === EVERY_PATH &&
      methods.includes('OPTIONS') &&
      Object.keys(options.constraints ?? {}).length === 0 &&
      !PreflightCatchAll.owns(noteOf(options.config))
    ) {
      this.ownHandler = options.handler;
    }
  }

  /**
   * Adds the constraint, before any route: find-my-way rebuilds every route it holds when a
   * strategy is added (0.1-0.4 s at 5,000 routes).
   */
  addConstraint(): void {
    if (!this.fastify.hasConstraintStrategy(PREFLIGHT_CONSTRAINT)) {
      this.fastify.addConstraintStrategy(preflightStrategy(this.leadsToRoute));
    }
  }

  /** Adds the route; once, when Nest's routes are in. */
  register(): void {
    this.fastify.route({
      method: 'OPTIONS',
      url: EVERY_PATH,
      constraints: { [PREFLIGHT_CONSTRAINT]: PREFLIGHT },
      config: withNote(undefined, CATCH_ALL_NOTE),
      handler: this.handOn,
    });
  }

  /** See the class comment: a preflight the hook did not answer. */
  private readonly handOn: RouteHandler = handOn(() => this.ownHandler);
}

function handOn(ownHandler: () => RouteHandler | undefined): RouteHandler {
  return function (this: unknown, request, reply) {
    const own = ownHandler();
    if (own !== undefined) return own.call(this, request, reply);
    (reply as unknown as { callNotFound(): void }).callNotFound();
    return undefined;
  };
}

/** Routes preflights that lead to a route, and nothing else, to the routes constrained by it. */
function preflightStrategy(
  leadsToRoute: (method: string, url: string) => boolean,
): ConstraintStrategy {
  return {
    name: PREFLIGHT_CONSTRAINT,
    mustMatchWhenDerived: false,
    storage() {
      const routes = new Map<unknown, number>();
      return {
        get: (value) => routes.get(value) ?? null,
        set: (value, mask) => void routes.set(value, mask),
      };
    },
    deriveConstraint(request) {
      const headers = request.headers;
      const method = preflightMethodOf(
        request.method,
        headers.origin,
        headers['access-control-request-method'],
      );
      if (method === undefined || !leadsToRoute(method, request.url ?? '/')) return undefined;
      return PREFLIGHT;
    },
  };
}
