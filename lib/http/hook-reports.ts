/**
 * What the request hook reports beside its answer, as callbacks the module gives it at startup: a
 * refusal (to the `debug` log and `CorsEvents`), and a request under a policy with a trial.
 */
import type { IncomingMessage } from 'node:http';
import type {
  CompiledCorsPolicy,
  CorsDecision,
  MaybePromise,
  PreflightRequest,
} from '../engine/index.js';
import type { PolicyHandle } from '../policy/policy-handle.js';
import type { RouteResolution } from '../routing/route-resolution.js';

/**
 * Logs a denial; present only with `debug: true`. `route` is what the router resolved the request
 * to (`undefined` for no route) and `handle` where its policy came from.
 */
export type DenialLogger = (
  request: IncomingMessage,
  decision: CorsDecision,
  preflight: boolean,
  route: RouteResolution | undefined,
  handle: PolicyHandle,
) => void;

/**
 * Compares a request with the trial of the policy that decided it (see `TrialRecorder.compare`),
 * for a route whose handle says it may have one. `request` is the platform's request object, `raw`
 * the Node request behind it; `preflight` is `undefined` for an actual request.
 */
export type TrialComparer = (
  policy: MaybePromise<CompiledCorsPolicy<unknown>>,
  decision: CorsDecision,
  request: object,
  raw: IncomingMessage,
  preflight: PreflightRequest | undefined,
  route: RouteResolution | undefined,
  handle: PolicyHandle,
) => void;
