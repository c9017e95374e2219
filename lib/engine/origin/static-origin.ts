/** What an origin predicate may answer (as in `cors`), and whether that answer allows an origin. */
import { toFullMatch } from './origin-matcher.js';

/**
 * What an origin callback may answer with, as in the `cors` package and Nest's `CustomOrigin`:
 * `true` or `false`, or an origin rule for this request (a string, a `RegExp`, or a list of them).
 */
export type CorsStaticOrigin = boolean | string | RegExp | readonly (boolean | string | RegExp)[];

const fullMatches = new WeakMap<RegExp, RegExp>();

/**
 * Whether an origin callback's answer allows `origin`: `true`; a string equal to it (the `cors`
 * package would send that string, which a browser accepts only when it is the page's origin); a
 * `RegExp` matching all of it, as regexes do everywhere in this package; a list with any of these.
 * Anything else denies.
 */
export function staticOriginAllows(answer: unknown, origin: string): boolean {
  if (answer === true) return true;
  if (typeof answer === 'string') return answer === origin;
  if (answer instanceof RegExp) {
    let anchored = fullMatches.get(answer);
    if (anchored === undefined) {
      anchored = toFullMatch(answer);
      fullMatches.set(answer, anchored);
    }
    return anchored.test(origin);
  }
  if (Array.isArray(answer)) return answer.some((entry) => staticOriginAllows(entry, origin));
  return false;
}
