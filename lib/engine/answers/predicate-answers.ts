/** An origin predicate's kept answers (`predicateCache`), keyed by the origin and its `vary` headers. */
import type { MaybePromise } from './maybe-promise.js';
import { hostKeyOf, keyPart } from '../http/request-authority.js';
import { AnswerCache, type AnswerCacheSettings, type StaleServed } from './answer-cache.js';

/** `predicateCache`: how long answers are kept and how many, and which request headers key them. */
export interface PredicateCacheSettings extends AnswerCacheSettings {
  /**
   * The request headers the predicate's answer depends on besides the origin (`['Host']`,
   * `['X-Tenant']`): answers are kept per origin and per value of each. Required, in effect, for a
   * predicate that declares the request parameter; `[]` says that it reads nothing that changes
   * its answer.
   */
  readonly vary?: readonly string[];
}

/** A request as the key reads it: Node's request, or anything else with `headers`, or nothing. */
interface RequestWithHeaders {
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * An origin predicate's answers (`predicateCache`), keyed by the origin and by the values of the
 * request headers named in its `vary`: a predicate that reads nothing but the origin and those
 * headers (a tenant's host, say) is asked again for every tenant, and no tenant is served another's
 * answer.
 *
 * `Host` is keyed as a per-request policy's `vary: ['Host']` is ({@link hostKeyOf}): by the host
 * the platform reads (where the predicate is given the platform's request, as on Express, a trusted
 * proxy's `X-Forwarded-Host`), the `Host` header and HTTP/2's `:authority`. A predicate that reads
 * any other header, `X-Forwarded-Host` itself included, must name it in `vary`.
 */
export class PredicateAnswers {
  private readonly cache: AnswerCache<boolean>;
  /** Lower-case names of the headers read into the key, in order. */
  private readonly keyHeaders: readonly string[];

  constructor(settings: AnswerCacheSettings, vary: readonly string[]) {
    this.cache = new AnswerCache<boolean>(settings);
    this.keyHeaders = vary.map((name) => name.toLowerCase());
  }

  /** Whether a failed predicate may be answered with its last good answer (`staleIfError`). */
  get servesStale(): boolean {
    return this.cache.servesStale;
  }

  /**
   * The kept answer for this origin and request, else the lookup in flight, else `lookup()`.
   *
   * @param onStaleServed told of a failure that the last good answer was served for (`staleIfError`).
   */
  get(
    origin: string,
    request: unknown,
    lookup: () => MaybePromise<boolean>,
    onStaleServed?: StaleServed,
  ): MaybePromise<boolean> {
    return this.cache.get(this.keyOf(origin, request), lookup, onStaleServed);
  }

  private keyOf(origin: string, request: unknown): string {
    // The origin is well formed when the predicate is asked, and header values cannot contain a
    // newline: no value can forge another's key.
    let key = origin;
    if (this.keyHeaders.length === 0) return key;
    const headers =
      request !== null && typeof request === 'object'
        ? (request as RequestWithHeaders).headers
        : undefined;
    for (const name of this.keyHeaders) {
      if (name === 'host') {
        key += `\n${request !== null && typeof request === 'object' ? hostKeyOf(request) : ''}`;
        continue;
      }
      key += `\n${keyPart(headers?.[name])}`;
    }
    return key;
  }
}
