/** What the handshake judge answers: for a handshake, and for a preflight to a socket.io path. */
import { preflightStatusOf, type CompiledCorsPolicy, type CorsDecision } from '../engine/index.js';
import { ACCESS_CONTROL_ALLOW_CREDENTIALS } from '../engine/http/header-names.js';

/** How the policies of several gateways that share a connection decide together. */
export type Agreement =
  /** The engine level of a socket.io server: some gateway on it must allow the origin. */
  | 'any'
  /** One namespace, or one ws server: the connection reaches every gateway there, so all must. */
  | 'all';

/** Whether a handshake may go on, and the decision whose headers approve its response. */
export interface HandshakeVerdict {
  readonly allowed: boolean;
  /** Set for a cross-origin request that a policy allowed: its CORS headers. */
  readonly decision?: CorsDecision;
  /**
   * The `Vary` names of every decision the policies made for it (`''` for none), or `undefined`
   * when no policy was asked (no `Origin`, the server's own origin, conflicting origins).
   */
  readonly vary?: string;
}

/** The answer to a preflight sent to a socket.io path (a polling request with extra headers). */
export interface PreflightVerdict {
  /** What a policy decided; `undefined` when none could (see {@link NOT_JUDGED}). */
  readonly decision?: CorsDecision;
  readonly status: number;
}

/**
 * The answer to a preflight no policy could judge: two origins that disagree, `CorsModule` not set
 * up yet, or every policy failed. Nothing approved, and no decision to give a reason for.
 */
export const NOT_JUDGED: PreflightVerdict = Object.freeze({ status: 204 });

export const PASS: HandshakeVerdict = Object.freeze({ allowed: true });
export const REFUSE: HandshakeVerdict = Object.freeze({ allowed: false });

/** Whether a decision lets the page send credentials (`Access-Control-Allow-Credentials`). */
export function grantsCredentials(decision: CorsDecision): boolean {
  return decision.headers.some(([name]) => name === ACCESS_CONTROL_ALLOW_CREDENTIALS);
}

/** A preflight's answer: the decision, and the status its policy answers preflights with. */
export function preflightVerdict(
  decision: CorsDecision,
  policy: CompiledCorsPolicy<unknown>,
): PreflightVerdict {
  // A policy that hands preflights to the application has no application here to hand them to.
  return { decision, status: preflightStatusOf(policy) ?? 204 };
}
