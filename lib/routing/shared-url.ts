/**
 * What a route knows of the other routes that may serve its URLs, for the preflight cache (see
 * `shared-url-routes.ts`): whether all of them answer as its own policy does.
 */
import type { RoutePolicy } from '../policy/policy-handle.js';

/**
 * The policy of a route outside Nest that is chosen per request from the URL (a Fastify route with
 * a variable path, under `paths` entries): it may answer unlike any route, so it agrees with none.
 */
export const POLICY_BY_URL: unique symbol = Symbol('nestjs-cors:policy-by-url');
/** The policy of a route that may serve a Nest route's URLs. */
export type SiblingPolicy = RoutePolicy | typeof POLICY_BY_URL;

/**
 * A route outside Nest that the platform knows (one added on the Express or Fastify instance, a
 * plugin's), or what a `paths` entry mounts (`prefix`: every path below its own, any method).
 */
export interface OutsideRoute {
  /** The path as registered; a path the platform does not give as a string is `/*`. */
  readonly path: string;
  /** Upper case, `ALL` for every method (or several). */
  readonly method: string;
  readonly policy: SiblingPolicy;
  readonly prefix?: boolean;
}

/** What a route knows of the routes that may serve its URLs with another method (or on another condition). */
export class SharedUrl {
  private answersAlike = true;
  private readonly siblings: SiblingPolicy[];

  /**
   * @param own the route's policy.
   * @param siblings the policies of the other routes that may serve one of its URLs, once each.
   */
  constructor(
    private readonly own: RoutePolicy,
    siblings: readonly SiblingPolicy[],
  ) {
    this.siblings = [...siblings];
    this.refresh();
  }

  /** Whether some route that may serve one of this route's URLs has a policy that may answer otherwise. */
  get disagrees(): boolean {
    return !this.answersAlike;
  }

  /** Compares the policies again: `CorsPolicies.replace()` changes what the handles hold. */
  refresh(): void {
    this.answersAlike = this.siblings.every((sibling) => sameAnswers(this.own, sibling));
  }

  /** Counts one more route that may serve one of this route's URLs (a route outside Nest). */
  add(sibling: SiblingPolicy): void {
    if (this.siblings.includes(sibling)) return;
    this.siblings.push(sibling);
    if (!sameAnswers(this.own, sibling)) this.answersAlike = false;
  }
}

/**
 * Whether two policies answer every preflight alike: one handle, or fixed policies that compile to
 * one (equal options share their compiled policy). A per-request policy may answer anything, so it
 * agrees with no other; CORS switched off agrees only with itself.
 */
function sameAnswers(a: RoutePolicy, b: SiblingPolicy): boolean {
  if (a === b) return true;
  if (a === null || b === null || b === POLICY_BY_URL) return false;
  const fixed = a.fixedPolicy;
  return fixed !== undefined && fixed === b.fixedPolicy;
}
