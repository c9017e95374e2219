import { decision, sharedDecision, type CorsDecision, type CorsHeader } from './cors-decision.js';

/** Requested-header lists kept per policy at most, and the longest kept: bounded whatever is asked. */
const MAX_KEPT_HEADER_LISTS = 512;
const MAX_KEPT_HEADER_LIST_LENGTH = 256;
/** Where the origin of the answer is `*`: one answer for every origin. */
const ANY_ORIGIN = '*';

/** The approvals kept for one (origin, method), each in two forms: cacheable, and `Max-Age: 0`. */
interface MethodApprovals {
  readonly withoutHeaders: [CorsDecision | undefined, CorsDecision | undefined];
  readonly byHeaders: [
    Map<string, CorsDecision> | undefined,
    Map<string, CorsDecision> | undefined,
  ];
}

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
 * `'*'`), and the policy's methods plus the safelisted ones. Requested-header lists, which a client
 * chooses freely, are kept up to {@link MAX_KEPT_HEADER_LISTS} per policy, each at most
 * {@link MAX_KEPT_HEADER_LIST_LENGTH} characters; when that many are kept, they are all dropped.
 * A kept answer is only ever one this policy approved for exactly that request, and the policy never
 * changes (a replaced policy is a new one), so finding it stands for checking the request again.
 */
export class ApprovedPreflights {
  private readonly byOrigin = new Map<string, Map<string, MethodApprovals>>();
  private keptHeaderLists = 0;

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
    const approvals = this.byOrigin.get(this.origins === 'any' ? ANY_ORIGIN : origin)?.get(method);
    if (approvals === undefined) return undefined;
    const index = forbidCaching ? 1 : 0;
    return requestedHeaders === ''
      ? approvals.withoutHeaders[index]
      : approvals.byHeaders[index]?.get(requestedHeaders);
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
    const keep =
      (any || this.origins.has(origin)) &&
      this.methods.has(method) &&
      requestedHeaders.length <= MAX_KEPT_HEADER_LIST_LENGTH;
    if (!keep) {
      return decision(
        true,
        'allowed',
        this.headersOf(allowOrigin, method, requestedHeaders, forbidCaching),
        this.vary,
      );
    }
    const approved = sharedDecision(
      true,
      'allowed',
      this.headersOf(allowOrigin, method, requestedHeaders, forbidCaching),
      this.vary,
    );
    const approvals = this.approvalsOf(allowOrigin, method);
    const index = forbidCaching ? 1 : 0;
    if (requestedHeaders === '') {
      approvals.withoutHeaders[index] = approved;
      return approved;
    }
    if (this.keptHeaderLists >= MAX_KEPT_HEADER_LISTS) this.dropHeaderLists();
    let byHeaders = approvals.byHeaders[index];
    if (byHeaders === undefined) {
      byHeaders = new Map();
      approvals.byHeaders[index] = byHeaders;
    }
    if (!byHeaders.has(requestedHeaders)) this.keptHeaderLists++;
    byHeaders.set(requestedHeaders, approved);
    return approved;
  }

  private approvalsOf(allowOrigin: string, method: string): MethodApprovals {
    let byMethod = this.byOrigin.get(allowOrigin);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.byOrigin.set(allowOrigin, byMethod);
    }
    let approvals = byMethod.get(method);
    if (approvals === undefined) {
      approvals = { withoutHeaders: [undefined, undefined], byHeaders: [undefined, undefined] };
      byMethod.set(method, approvals);
    }
    return approvals;
  }

  private dropHeaderLists(): void {
    for (const byMethod of this.byOrigin.values()) {
      for (const approvals of byMethod.values()) {
        approvals.byHeaders[0] = undefined;
        approvals.byHeaders[1] = undefined;
      }
    }
    this.keptHeaderLists = 0;
  }
}
