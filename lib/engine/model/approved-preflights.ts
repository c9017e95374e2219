/** The approved preflight answers a policy keeps, bounded for the whole process. */
import { decision, sharedDecision, type CorsDecision, type CorsHeader } from './cors-decision.js';

/**
 * Approvals of preflights that asked for headers, kept at most in the whole process, and the
 * longest header list kept. Header lists are the client's choice, and policies can be many (one per
 * distinct answer of a per-request policy): a bound per policy would multiply with them, so every
 * policy shares this one. About 4 MB at most.
 */
const MAX_KEPT_WITH_HEADERS = 4096;
const MAX_KEPT_HEADER_LIST_LENGTH = 256;
/** Where the origin of the answer is `*`: one answer for every origin. */
const ANY_ORIGIN = '*';

/**
 * Approvals with headers, by policy, origin, method, caching and header list; the oldest is
 * dropped when the bound is reached. A policy that is gone leaves its entries to age out.
 */
const keptWithHeaders = new Map<string, CorsDecision>();
let policiesSeen = 0;

/** The approvals without requested headers kept for one (origin, method): cacheable, and `Max-Age: 0`. */
type WithoutHeaders = [CorsDecision | undefined, CorsDecision | undefined];

/** Builds the headers of an approval; the caller has checked the method and the headers. */
export type ApprovalHeaders = (
  allowOrigin: string,
  method: string,
  requestedHeaders: string,
  forbidCaching: boolean,
) => readonly CorsHeader[];

/**
 * The approved preflight answers of one policy, kept once made, so that the common preflights
 * (an origin and a method the policy names, the same few header lists) allocate nothing: an
 * approval names the requested method and headers, so it can no longer be computed once per origin.
 *
 * Kept only where the key space is the configuration's own: exact origins (or one answer under
 * `'*'`), and the policy's methods plus the safelisted ones. Approvals of requested-header lists,
 * which a client chooses freely, are kept in one bounded table shared by every policy (see
 * {@link MAX_KEPT_WITH_HEADERS}), each list at most {@link MAX_KEPT_HEADER_LIST_LENGTH} characters.
 * A kept answer is only ever one this policy approved for exactly that request, and the policy never
 * changes (a replaced policy is a new one), so finding it stands for checking the request again.
 */
export class ApprovedPreflights {
  private readonly withoutHeaders = new Map<string, Map<string, WithoutHeaders>>();
  /** This policy's part of the keys of the shared table. */
  private readonly id = `${++policiesSeen}\n`;

  /**
   * @param origins the exact origins the policy allows, or `'any'` when it answers `*`.
   * @param methods the methods whose approvals are kept.
   */
  constructor(
    private readonly origins: ReadonlySet<string> | 'any',
    private readonly methods: ReadonlySet<string>,
    private readonly vary: string,
    private readonly headersOf: ApprovalHeaders,
  ) {}

  /** An approval made before for exactly this origin, method, header list and caching. */
  find(
    origin: string,
    method: string,
    requestedHeaders: string,
    forbidCaching: boolean,
  ): CorsDecision | undefined {
    const allowOrigin = this.origins === 'any' ? ANY_ORIGIN : origin;
    if (requestedHeaders !== '')
      return keptWithHeaders.get(this.keyOf(allowOrigin, method, requestedHeaders, forbidCaching));
    return this.withoutHeaders.get(allowOrigin)?.get(method)?.[forbidCaching ? 1 : 0];
  }

  /**
   * The approval of a preflight that the policy has approved (origin, method and headers checked),
   * kept when its origin and method are ones the configuration names.
   */
  approve(
    origin: string,
    method: string,
    requestedHeaders: string,
    forbidCaching: boolean,
  ): CorsDecision {
    const any = this.origins === 'any';
    const allowOrigin = any ? ANY_ORIGIN : origin;
    const headers = this.headersOf(allowOrigin, method, requestedHeaders, forbidCaching);
    const keep =
      (any || this.origins.has(origin)) &&
      this.methods.has(method) &&
      requestedHeaders.length <= MAX_KEPT_HEADER_LIST_LENGTH;
    if (!keep) return decision(true, 'allowed', headers, this.vary);
    const approved = sharedDecision(true, 'allowed', headers, this.vary);
    if (requestedHeaders === '') {
      this.withoutHeadersOf(allowOrigin, method)[forbidCaching ? 1 : 0] = approved;
      return approved;
    }
    if (keptWithHeaders.size >= MAX_KEPT_WITH_HEADERS) {
      const oldest = keptWithHeaders.keys().next();
      if (oldest.done !== true) keptWithHeaders.delete(oldest.value);
    }
    keptWithHeaders.set(this.keyOf(allowOrigin, method, requestedHeaders, forbidCaching), approved);
    return approved;
  }

  private keyOf(
    allowOrigin: string,
    method: string,
    requestedHeaders: string,
    forbidCaching: boolean,
  ): string {
    // An origin and a method contain no newline (both were checked), so no key can forge another.
    return `${this.id}${allowOrigin}\n${method}\n${forbidCaching ? '0' : '1'}\n${requestedHeaders}`;
  }

  private withoutHeadersOf(allowOrigin: string, method: string): WithoutHeaders {
    let byMethod = this.withoutHeaders.get(allowOrigin);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.withoutHeaders.set(allowOrigin, byMethod);
    }
    let approvals = byMethod.get(method);
    if (approvals === undefined) {
      approvals = [undefined, undefined];
      byMethod.set(method, approvals);
    }
    return approvals;
  }
}

/** How many approvals with headers the process keeps now; for tests of the bound. */
export function keptApprovalsWithHeaders(): number {
  return keptWithHeaders.size;
}
