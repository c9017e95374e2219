/**
 * `CorsEvents`: what the module decides, as typed events a metrics system can count. Nothing is
 * built for an event while nobody listens.
 */
import type { CorsReason } from '../engine/index.js';
import type { CorsTrialDifference } from './trial-difference.js';

/**
 * Why a request was refused, of bounded variety (a metric label): the decision's reason, with
 * `header-not-allowed` standing for every header name (the name is in the event's `header`).
 */
export type CorsRefusalReason =
  | 'origin-not-allowed'
  | 'origin-malformed'
  | 'origin-predicate-failed'
  | 'method-not-allowed'
  | 'method-malformed'
  | 'header-not-allowed'
  | 'request-headers-malformed'
  | 'request-headers-too-long'
  | 'request-headers-too-many'
  | 'private-network-not-allowed';

/** Fails to compile when the engine gains a reason that {@link CorsRefusalReason} lacks. */
type EveryReasonCovered =
  Exclude<
    CorsReason,
    'allowed' | 'no-origin' | `header-not-allowed: ${string}`
  > extends CorsRefusalReason
    ? true
    : never;
const EVERY_REASON_COVERED: EveryReasonCovered = true;
void EVERY_REASON_COVERED;

/** A decision's reason as a {@link CorsRefusalReason}, and the header name it may carry. */
export function refusalReasonOf(reason: CorsReason): {
  readonly reason: CorsRefusalReason;
  readonly header: string | undefined;
} {
  if (reason.startsWith(HEADER_NOT_ALLOWED)) {
    return { reason: 'header-not-allowed', header: reason.slice(HEADER_NOT_ALLOWED.length + 2) };
  }
  return { reason: reason as CorsRefusalReason, header: undefined };
}

const HEADER_NOT_ALLOWED = 'header-not-allowed';

/**
 * A cross-origin request the module refused: an actual request (its response carries no
 * approving header) or a preflight.
 */
export interface CorsRefusalEvent {
  /** A refused actual request, or a refused preflight. */
  readonly kind: 'actual-refused' | 'preflight-refused';
  /** Why (`origin-not-allowed`, `method-not-allowed`, `header-not-allowed`, ...). */
  readonly reason: CorsRefusalReason;
  /**
   * For `header-not-allowed`, the request header the policy does not allow (chosen by the client:
   * never a metric label); else `undefined`.
   */
  readonly header: string | undefined;
  /**
   * The route as declared, of bounded variety: `GET /users/:id`, `paths /docs` for a `paths` entry,
   * or `default` for a request no declared route or entry covers.
   */
  readonly route: string;
  /** The request's method; for a preflight, the method it asks for. */
  readonly method: string;
  /** The `Origin` the request came with: chosen by the client, so never a metric label. */
  readonly origin: string;
}

/**
 * A request that a policy's `trial` would have answered differently from the policy in force
 * (which answered it): what would change, and for whom. Emitted once per such request.
 */
export interface CorsTrialDifferenceEvent {
  /** Tells this event apart from the others. */
  readonly kind: 'trial-difference';
  /** What the trial would change: `refuses`, `allows`, `drops-credentials`, ... */
  readonly difference: CorsTrialDifference;
  /**
   * Why the side that refuses does: the trial's reason for `refuses`, the enforced policy's for
   * `allows`; `undefined` where both allow.
   */
  readonly reason: CorsRefusalReason | undefined;
  /** For `header-not-allowed`, the request header refused (never a metric label); else `undefined`. */
  readonly header: string | undefined;
  /**
   * The route as declared, as refusal events name it (`GET /users/:id`, `paths /docs`, `default`),
   * or `gateway ChatGateway` for a WebSocket handshake.
   */
  readonly route: string;
  /** The request's method; for a preflight, the method it asks for. */
  readonly method: string;
  /** Whether the request was a preflight. */
  readonly preflight: boolean;
  /** The request's `Origin`: chosen by the client, so never a metric label. */
  readonly origin: string;
}

/** A WebSocket handshake the module refused. */
export interface CorsHandshakeRefusedEvent {
  /** Tells this event apart from the others. */
  readonly kind: 'handshake-refused';
  /** Why the handshake's origin was refused. */
  readonly reason: CorsRefusalReason;
  /** The gateway's class name, or `default` where no gateway claims the path. */
  readonly gateway: string;
  /** The handshake's `Origin`, `undefined` when it had none. */
  readonly origin: string | undefined;
}

/**
 * A function of the application that a decision waited on failed, or gave no answer in time: an
 * origin predicate (`lookup: 'origin'`) or a per-request policy (`lookup: 'policy'`).
 */
export interface CorsLookupFailedEvent {
  /** Tells this event apart from the others. */
  readonly kind: 'lookup-failed';
  /** Which function failed: an origin predicate, or a per-request policy. */
  readonly lookup: 'origin' | 'policy';
  /** What the request got instead: a denial, or the last good answer (`staleIfError`). */
  readonly outcome: 'denied' | 'stale-answer-served';
  /** Whether it failed by taking longer than its timeout. */
  readonly timedOut: boolean;
  /** The origin judged (`lookup: 'origin'`), `undefined` for a per-request policy. */
  readonly origin: string | undefined;
  /** What the function threw or rejected with (a `TimeoutError` where it timed out). */
  readonly error: unknown;
}

/** New policies took effect: through `CorsPolicies.replace()` or a `watch()` read. */
export interface CorsPoliciesReplacedEvent {
  /** Tells this event apart from the others. */
  readonly kind: 'policies-replaced';
  /** Whether they came through `replace()` or a `watch()` read. */
  readonly source: 'replace' | 'watch';
}

/** A `CorsPolicies.watch()` read failed or timed out; the policies in force stay. */
export interface CorsWatchReadFailedEvent {
  /** Tells this event apart from the others. */
  readonly kind: 'watch-read-failed';
  /** Whether the read failed by taking longer than its `timeout`. */
  readonly timedOut: boolean;
  /** What the read threw or rejected with, or why its answer was refused. */
  readonly error: unknown;
}

/** Every event {@link CorsEvents} reports; `kind` tells them apart. */
export type CorsEvent =
  | CorsRefusalEvent
  | CorsTrialDifferenceEvent
  | CorsHandshakeRefusedEvent
  | CorsLookupFailedEvent
  | CorsPoliciesReplacedEvent
  | CorsWatchReadFailedEvent;

/** A function {@link CorsEvents.on} calls with each event. */
export type CorsEventListener = (event: CorsEvent) => void;

/**
 * The module's decisions as events: inject it (it is exported by `CorsModule`) and call
 * {@link CorsEvents.on}, in a service's `onModuleInit()` for instance, to count refusals by route
 * and reason. Listeners are called synchronously, in the order they subscribed; one that throws
 * is reported to the module's log and does not stop the others or the request.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class CorsMetrics implements OnModuleInit {
 *   constructor(private readonly events: CorsEvents) {}
 *   onModuleInit() {
 *     this.events.on((event) => {
 *       if (event.kind === 'actual-refused') console.log(event.route, event.reason);
 *     });
 *   }
 * }
 * ```
 */
export class CorsEvents {
  /** Replaced, never changed: an emission under way keeps the list it started with. */
  protected listeners: readonly CorsEventListener[] = [];

  /**
   * Calls `listener` with every event from now on.
   *
   * @returns a function that stops it.
   */
  on(listener: CorsEventListener): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(
        `CorsEvents.on() takes a function, not ${listener === null ? 'null' : typeof listener}: events.on((event) => { ... })`,
      );
    }
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }
}

/**
 * The stream the module emits into: {@link CorsEvents}, which is what users inject, and what only
 * this package calls. Kept out of the public class so that its declaration shows `on()` alone.
 */
export class CorsEventStream extends CorsEvents {
  private failed: (error: unknown) => void = () => {};

  /**
   * Whether any listener is subscribed: checked before an event is built, so that an application
   * that does not listen pays nothing for it.
   */
  get listening(): boolean {
    return this.listeners.length > 0;
  }

  /** Calls every listener with `event`; one that throws is reported, and the rest still hear. */
  emit(event: CorsEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.failed(error);
      }
    }
  }

  /** Where an error thrown by a listener goes (the module's log). */
  reportListenerErrorsTo(report: (error: unknown) => void): void {
    this.failed = report;
  }
}
