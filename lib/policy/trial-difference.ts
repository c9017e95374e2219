/**
 * How a trial would have answered a request differently from the policy in force: the trial is
 * decided on the same request, and the two answers compared as a browser reads them.
 */
import {
  whenSettled,
  type CompiledCorsPolicy,
  type CorsDecision,
  type MaybePromise,
  type PreflightRequest,
} from '../engine/index.js';
import { decisionOf } from './decide-request.js';
import { trialOf } from './trial-policy.js';

/**
 * What a trial would have changed for a request, of bounded variety (a metric label):
 * - `refuses`: the trial refuses what is allowed now (an origin, or on a preflight a method or a
 *   header it does not allow): the request would fail in the browser;
 * - `allows`: the trial allows what is refused now;
 * - `drops-credentials`: both allow, the trial without `Access-Control-Allow-Credentials`: the page
 *   could no longer send or read cookies;
 * - `exposes-fewer-headers`: both allow, and a response header the page may read now would be
 *   hidden from it;
 * - `answers-differently`: both allow, with other headers (`Access-Control-Max-Age`, `*` for a
 *   reflected origin, ...) that change nothing the page can do.
 */
export type CorsTrialDifference =
  'refuses' | 'allows' | 'drops-credentials' | 'exposes-fewer-headers' | 'answers-differently';

/** A trial's different answer: what differs, and the decision of the side that refused, if any. */
export interface TrialOutcome {
  readonly difference: CorsTrialDifference;
  /** For `refuses`, the trial's decision; for `allows`, the enforced one; else the trial's. */
  readonly refusal: CorsDecision;
}

/**
 * Decides the trial of `policy` on the request `enforced` was decided for, and says how it would
 * differ: `undefined` when the policy has no trial or the trial answers alike. `preflight` is
 * `undefined` for an actual request. Never throws or rejects: a trial that fails (its origin
 * predicate throws) is decided by the engine as a denial, as any policy's.
 */
export function decideTrial(
  policy: CompiledCorsPolicy<unknown>,
  enforced: CorsDecision,
  origin: string | undefined,
  preflight: PreflightRequest | undefined,
  judged: object,
): MaybePromise<TrialOutcome | undefined> {
  const trial = trialOf(policy);
  // Without Origin a request is no CORS request, whatever the policy answered (`*` under `'*'`).
  if (trial === undefined || origin === undefined) return undefined;
  return whenSettled(
    decisionOf(trial, origin, preflight, judged),
    compareWith,
    enforced,
    undefined,
  );
}

function compareWith(trial: CorsDecision, enforced: CorsDecision): TrialOutcome | undefined {
  const difference = trialDifference(enforced, trial);
  if (difference === undefined) return undefined;
  return { difference, refusal: difference === 'allows' ? enforced : trial };
}

/** How `trial` differs from `enforced` for a browser, or `undefined` when it does not. */
export function trialDifference(
  enforced: CorsDecision,
  trial: CorsDecision,
): CorsTrialDifference | undefined {
  if (!enforced.allowed) return trial.allowed ? 'allows' : undefined;
  if (!trial.allowed) return 'refuses';
  // Most requests under a trial are answered alike, header for header and in the same order (the
  // engine writes them in a fixed order): then nothing is built.
  if (sameHeaders(enforced.headers, trial.headers)) return undefined;
  const before = headerMap(enforced);
  const after = headerMap(trial);
  if (before.has(CREDENTIALS) && !after.has(CREDENTIALS)) return 'drops-credentials';
  if (hidesExposed(before.get(EXPOSE), after.get(EXPOSE))) return 'exposes-fewer-headers';
  if (before.size !== after.size) return 'answers-differently';
  for (const [name, value] of before) if (after.get(name) !== value) return 'answers-differently';
  return undefined;
}

const CREDENTIALS = 'access-control-allow-credentials';
const EXPOSE = 'access-control-expose-headers';

function sameHeaders(a: CorsDecision['headers'], b: CorsDecision['headers']): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  }
  return true;
}

function headerMap(decision: CorsDecision): Map<string, string> {
  return new Map(decision.headers.map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * Whether a header the page may read under `before` would be hidden under `after`. `*` exposes
 * every header (the engine allows it only without credentials, where it means that).
 */
function hidesExposed(before: string | undefined, after: string | undefined): boolean {
  if (before === undefined || after === '*') return false;
  if (after === undefined) return true;
  if (before === '*') return true;
  const kept = new Set(namesOf(after));
  return namesOf(before).some((name) => !kept.has(name));
}

function namesOf(list: string): string[] {
  return list.split(',').map((name) => name.trim().toLowerCase());
}
