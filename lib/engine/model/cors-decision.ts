/** One response header: name and value. */
export type CorsHeader = readonly [name: string, value: string];

/**
 * Why a request was approved or not, for logs and diagnostics; never sent to the client.
 * `header-not-allowed: <name>` names the first refused header.
 */
export type CorsReason =
  | 'allowed'
  | 'no-origin'
  | 'origin-not-allowed'
  | 'origin-malformed'
  | 'origin-predicate-failed'
  | 'method-not-allowed'
  | 'method-malformed'
  | 'request-headers-malformed'
  | 'request-headers-too-long'
  | 'request-headers-too-many'
  | 'private-network-not-allowed'
  | `header-not-allowed: ${string}`;

/**
 * The engine's answer for one request: the headers to set and the `Vary` names to append. A denied
 * decision carries no approving header, only `Vary` where the answer depended on the request.
 */
export interface CorsDecision {
  /** Whether the origin (and, for a preflight, the method and headers) were approved. */
  readonly allowed: boolean;
  readonly reason: CorsReason;
  /** Headers to set, replacing any earlier value. */
  readonly headers: readonly CorsHeader[];
  /** Comma-separated names to append to `Vary` (never replace it), or `''` for none. */
  readonly vary: string;
}

/**
 * Builds a decision. Decisions made per request are left unfrozen (freezing costs more than the
 * rest of the decision); the ones compiled once and shared by every request go through
 * {@link sharedDecision}.
 */
export function decision(
  allowed: boolean,
  reason: CorsReason,
  headers: readonly CorsHeader[],
  vary: string,
): CorsDecision {
  return { allowed, reason, headers, vary };
}

/** A decision compiled once and handed to every request: frozen, so that no caller can change it. */
export function sharedDecision(
  allowed: boolean,
  reason: CorsReason,
  headers: readonly CorsHeader[],
  vary: string,
): CorsDecision {
  return Object.freeze(
    decision(allowed, reason, Object.freeze(headers.map((h) => Object.freeze(h))), vary),
  );
}
