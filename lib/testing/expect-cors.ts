/** `expectCors()`: assertions on how a running app answers a browser's CORS requests. */
import {
  refusalsOfActual,
  refusalsOfPreflight,
  type ReceivedResponse,
} from '../client/browser-verdict.js';
import {
  DEFAULT_RESPONSE_TIMEOUT,
  NoResponseError,
  send,
  type CorsTestTarget,
  type SentRequest,
} from '../client/send.js';

/** Thrown when a response is not what a browser would make of it as the test expected. */
export class CorsExpectationError extends Error {
  override readonly name = 'CorsExpectationError';
}

/** How the page sends a preflighted request. */
export interface PreflightOptions {
  /** Whether the page sends credentials (`credentials: 'include'`). Default: `false`. */
  readonly credentials?: boolean;
  /** Request headers the page sets, which the browser lists in the preflight. Default: none. */
  readonly headers?: readonly string[];
}

/** How the page sends an actual request, and what it must be able to read. */
export interface ActualOptions {
  /** Whether the page sends credentials (`credentials: 'include'`). Default: `false`. */
  readonly credentials?: boolean;
  /** Response headers the page must be able to read (`Access-Control-Expose-Headers`). */
  readonly exposes?: readonly string[];
}

/** How the helpers talk to the target. */
export interface ExpectCorsOptions {
  /**
   * Milliseconds a response may take before the expectation fails, saying so. Default: 3000, well
   * under a test runner's timeout, so that a server that never answers (Fastify not ready) fails
   * with a message rather than a timeout.
   */
  readonly timeout?: number;
}

/** What both kinds of expectation share: the request, and the page's origin. */
abstract class RequestExpectation {
  protected origin: string | undefined;

  constructor(
    protected readonly target: CorsTestTarget,
    protected readonly method: string,
    protected readonly path: string,
    private readonly timeout: number = DEFAULT_RESPONSE_TIMEOUT,
  ) {}

  /** The page's origin, sent as `Origin`. */
  from(origin: string): this {
    this.origin = origin;
    return this;
  }

  /** Sends the request; no answer in time is a {@link CorsExpectationError} saying why. */
  protected async send(sent: SentRequest): Promise<ReceivedResponse> {
    try {
      return await send(this.target, sent, this.timeout);
    } catch (error) {
      if (error instanceof NoResponseError) throw new CorsExpectationError(error.message);
      throw error;
    }
  }
}

/**
 * Checks a preflight the way a browser judges it. Start it with `expectCors(app).preflight(...)`.
 */
export class PreflightExpectation extends RequestExpectation {
  /**
   * Passes when a browser would send the actual request after this preflight.
   *
   * @returns the preflight's response, for further checks.
   * @throws {@link CorsExpectationError} naming each header that makes the browser refuse.
   */
  async toBeAllowed(options: PreflightOptions = {}): Promise<ReceivedResponse> {
    const { response, refusals } = await this.ask(options);
    if (refusals.length > 0) {
      throw new CorsExpectationError(
        `Expected a browser to allow ${this.describe(options)}, but it would refuse it:\n${bullets(refusals)}`,
      );
    }
    return response;
  }

  /**
   * Passes when a browser would refuse the actual request after this preflight. A denied
   * preflight is told by its headers, not its status: it is often a 204 too.
   */
  async toBeDenied(options: PreflightOptions = {}): Promise<ReceivedResponse> {
    const { response, refusals } = await this.ask(options);
    if (refusals.length === 0) {
      throw new CorsExpectationError(
        `Expected a browser to refuse ${this.describe(options)}, but it would allow it (${approving(response)})`,
      );
    }
    return response;
  }

  private async ask(options: PreflightOptions) {
    const origin = requireOrigin(this.origin);
    const headers = options.headers ?? [];
    const sent: Record<string, string> = { origin, 'access-control-request-method': this.method };
    if (headers.length > 0)
      sent['access-control-request-headers'] = headers.map((h) => h.toLowerCase()).join(',');
    const response = await this.send({ method: 'OPTIONS', path: this.path, headers: sent });
    const refusals = refusalsOfPreflight(response, {
      origin,
      method: this.method,
      headers,
      credentials: options.credentials === true,
    });
    return { response, refusals };
  }

  private describe(options: PreflightOptions): string {
    return `the preflight for ${this.method} ${this.path} from ${String(this.origin)}${detail(options.credentials, options.headers)}`;
  }
}

/** Checks an actual request the way a browser judges it. Start it with `expectCors(app).request(...)`. */
export class ActualExpectation extends RequestExpectation {
  /** Passes when a browser would let the page read the response (and the headers it `exposes`). */
  async toBeAllowed(options: ActualOptions = {}): Promise<ReceivedResponse> {
    const { response, refusals } = await this.ask(options);
    const expose = response.headers['access-control-expose-headers'];
    const exposed = (expose ?? '').split(',').map((n) => n.trim().toLowerCase());
    const anyExposed = options.credentials !== true && exposed.includes('*');
    for (const name of options.exposes ?? []) {
      if (!anyExposed && !exposed.includes(name.toLowerCase())) {
        refusals.push(
          `Access-Control-Expose-Headers (${expose === undefined ? 'absent' : JSON.stringify(expose)}) does not list ${JSON.stringify(name)}, so the page cannot read it`,
        );
      }
    }
    if (refusals.length > 0) {
      throw new CorsExpectationError(
        `Expected a browser to let the page read ${this.describe(options)}, but it would not:\n${bullets(refusals)}`,
      );
    }
    return response;
  }

  /** Passes when a browser would keep the response from the page. */
  async toBeDenied(options: ActualOptions = {}): Promise<ReceivedResponse> {
    const { response, refusals } = await this.ask(options);
    if (refusals.length === 0) {
      throw new CorsExpectationError(
        `Expected a browser to keep ${this.describe(options)} from the page, but it would let the page read it (${approving(response)})`,
      );
    }
    return response;
  }

  private async ask(options: ActualOptions) {
    const origin = requireOrigin(this.origin);
    const response = await this.send({
      method: this.method,
      path: this.path,
      headers: { origin },
    });
    const refusals = refusalsOfActual(response, {
      origin,
      credentials: options.credentials === true,
    });
    return { response, refusals };
  }

  private describe(options: ActualOptions): string {
    return `the response to ${this.method} ${this.path} from ${String(this.origin)}${detail(options.credentials, undefined)}`;
  }
}

/**
 * CORS assertions for end-to-end tests, judged as a browser judges the response, with messages that
 * name the header that makes the browser refuse.
 *
 * @example
 * ```ts
 * await expectCors(app)
 *   .preflight('PUT', '/items/1')
 *   .from('https://admin.example.com')
 *   .toBeAllowed({ credentials: true, headers: ['x-token'] });
 * await expectCors(app).request('GET', '/items').from('https://evil.example').toBeDenied();
 * ```
 */
export function expectCors(target: CorsTestTarget, options: ExpectCorsOptions = {}) {
  const timeout = options.timeout;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new CorsExpectationError(
      `expectCors: timeout ${String(timeout)} is not a positive number of milliseconds; write { timeout: 10_000 }`,
    );
  }
  return {
    /** A preflight for `method` on `path`. */
    preflight: (method: string, path: string) =>
      new PreflightExpectation(target, method, path, timeout),
    /** An actual request: `method` on `path`. */
    request: (method: string, path: string) => new ActualExpectation(target, method, path, timeout),
  };
}

function requireOrigin(origin: string | undefined): string {
  if (origin === undefined) {
    throw new CorsExpectationError('Say which page sends the request: add .from(origin)');
  }
  return origin;
}

function detail(credentials: boolean | undefined, headers: readonly string[] | undefined): string {
  const parts: string[] = [];
  if (credentials === true) parts.push('with credentials');
  if (headers !== undefined && headers.length > 0) parts.push(`asking for ${headers.join(', ')}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function bullets(lines: readonly string[]): string {
  return lines.map((line) => `  - ${line}`).join('\n');
}

function approving(response: ReceivedResponse): string {
  const names = Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));
  return names.length === 0
    ? `status ${response.status}`
    : names.map((name) => `${name}: ${response.headers[name]}`).join('; ');
}
