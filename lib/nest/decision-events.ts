/**
 * How what the module decides reaches `CorsEvents` (and, for the request hook's refusals, the
 * `debug` log) and the trials' recorder: callbacks made at startup, called only for a refusal, a
 * failure, or a request under a policy with a trial.
 */
import type { DenialLogger, TrialComparer } from '../http/hook-reports.js';
import type { TrialRecorder } from '../policy/trial-recorder.js';
import { TimeoutError } from '../engine/index.js';
import { isSameOriginRequest } from '../http/same-origin-request.js';
import {
  refusalReasonOf,
  type CorsEventStream,
  type CorsLookupFailedEvent,
} from '../policy/cors-events.js';
import type { PathPolicy } from '../routing/path-policies.js';
import type { RouteTarget } from '../routing/route-record.js';
import { recordOf } from '../routing/route-record.js';

/** How an event names a request that no declared route or `paths` entry covers. */
export const DEFAULT_ROUTE_LABEL = 'default';

/**
 * The hook's denial callback: logs the denial where `debug` is on (`log`), and reports it to
 * `events` when someone listens, with the route as declared (`GET /users/:id`, `paths /docs`): a
 * label of bounded variety, never the requested URL.
 */
export function denialReporter(
  events: CorsEventStream,
  pathPolicies: readonly PathPolicy[],
  log: DenialLogger | undefined,
): DenialLogger {
  const routeLabel = routeLabeller(pathPolicies);
  return (request, decision, preflight, route, handle) => {
    log?.(request, decision, preflight, route, handle);
    if (!events.listening) return;
    const requested = request.headers['access-control-request-method'];
    const { reason, header } = refusalReasonOf(decision.reason);
    events.emit({
      kind: preflight ? 'preflight-refused' : 'actual-refused',
      reason,
      header,
      route: routeLabel(route?.targetWith(handle)),
      method: preflight ? String(requested) : (request.method ?? ''),
      origin: String(request.headers.origin),
    });
  };
}

/**
 * The hook's trial comparer: hands each cross-origin request under a policy with a trial to
 * `trials`, with the route named as refusal events name it. A same-origin request is left out: the
 * browser applies no CORS to it, so no trial can break it (the enforced policy decided it anyway).
 */
export function trialComparer(
  trials: TrialRecorder,
  pathPolicies: readonly PathPolicy[],
): TrialComparer {
  const routeLabel = routeLabeller(pathPolicies);
  return (policy, decision, request, raw, preflight, route, handle) => {
    // Asked only once the trial differs: reading the platform's host costs more than the rest.
    const site = () => {
      if (isSameOriginRequest(request, raw)) return undefined;
      return {
        route: routeLabel(route?.targetWith(handle)),
        method: preflight === undefined ? (raw.method ?? '') : preflight.method,
      };
    };
    trials.compare(policy, decision, raw.headers.origin, preflight, raw, site);
  };
}

/**
 * How events name the target a request was resolved to: the route as declared (`GET /users/:id`),
 * the `paths` entry (`paths /docs`), or `default`: a label of bounded variety, never the URL.
 */
function routeLabeller(
  pathPolicies: readonly PathPolicy[],
): (target: RouteTarget | undefined) => string {
  const entryLabels = new Map<RouteTarget, string>(
    pathPolicies.map(({ path, target }) => [target, `paths ${path}`]),
  );
  return (target) => {
    if (target === undefined) return DEFAULT_ROUTE_LABEL;
    const record = recordOf(target);
    if (record !== undefined) return `${record.method} ${record.path}`;
    return entryLabels.get(target) ?? DEFAULT_ROUTE_LABEL;
  };
}

/** Reports a failed origin predicate or per-request policy, where someone listens. */
export function reportLookupFailure(
  events: CorsEventStream,
  lookup: CorsLookupFailedEvent['lookup'],
  error: unknown,
  outcome: CorsLookupFailedEvent['outcome'],
  origin: string | undefined,
): void {
  if (!events.listening) return;
  const timedOut = error instanceof TimeoutError;
  events.emit({ kind: 'lookup-failed', lookup, outcome, timedOut, origin, error });
}
