/**
 * Policies computed per request: the user's function ready to call ({@link PolicyFunction}), and a
 * route's policy made from its answers ({@link RequestPolicy}).
 */
import {
  compilePolicy,
  ProblemList,
  type CompiledCorsPolicy,
  type CorsErrorReporter,
  type CorsPolicyOptions,
  type MaybePromise,
  hostKeyOf,
  keyPart,
} from '../engine/index.js';
import type { AnswerCache } from '../engine/answers/answer-cache.js';
import { callUserFunction, isThenable, withTimeout } from '../engine/answers/user-function.js';
import { compileCacheOption } from '../engine/options/cache-option.js';
import { compileTimeout } from '../engine/options/timeout-option.js';
import { compileVaryNames } from '../engine/options/vary-option.js';
import { differencesFromEnableCors } from './enable-cors-differences.js';
import type { CorsPolicyFunction, PerRequestCorsPolicy } from './per-request-policy.js';
import { fingerprintOf } from './policy-fingerprint.js';
import {
  compileWithTrial,
  trialErrorReporter,
  type CorsPolicyOptionsWithTrial,
} from './trial-policy.js';

/** Where a per-request policy reports: its errors, and the notes on its answers, once each. */
export interface RequestPolicyLog {
  readonly error: (message: string, error: unknown) => void;
  readonly warn: (message: string) => void;
  readonly reportError: CorsErrorReporter;
  /** A failure of the function itself, and what the request got instead. */
  readonly failed?: (error: unknown, outcome: 'denied' | 'stale-answer-served') => void;
}

/** A request as a per-request policy reads it: both platforms' request objects have `headers`. */
interface RequestWithHeaders {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * A per-request policy's function, ready to call: its settings checked at startup, its answers
 * kept when it has a cache. One per declared function, shared by every route under it, so that a
 * cache is shared too.
 */
export class PolicyFunction {
  readonly vary: readonly string[];
  private readonly source: CorsPolicyFunction;
  private readonly timeout: number;
  private readonly answers: AnswerCache<unknown> | undefined;
  private readonly varyKeys: readonly string[];

  /** @throws CorsConfigurationError for invalid settings, naming `where`. */
  constructor(
    policy: PerRequestCorsPolicy,
    readonly where: string,
  ) {
    const problems = new ProblemList();
    const { vary, timeout, cache, ...unknown } = policy.settings as Record<string, unknown>;
    for (const name of Object.keys(unknown)) {
      problems.add(
        'unknown-option',
        name,
        unknown[name],
        'is not a setting of perRequestPolicy()',
        'the settings are vary, timeout and cache',
      );
    }
    this.vary = compileVaryNames(vary, problems);
    this.timeout = compileTimeout(timeout, 'timeout', 'timeout-out-of-range', problems);
    this.answers = compileCacheOption(cache, 'cache', problems);
    problems.throwIfAny(where);
    this.source = policy.source;
    this.varyKeys = this.vary.map((name) => name.toLowerCase());
  }

  /**
   * The function's answer for this request: kept, in flight, or asked now.
   *
   * @param onStaleServed told of a failure that the last good answer stood in for.
   * @throws or rejects with the function's error, or a timeout.
   */
  answerFor(request: unknown, onStaleServed?: (error: unknown) => void): MaybePromise<unknown> {
    return this.answers === undefined
      ? this.ask(request)
      : this.answers.get(
          this.keyOf(request as RequestWithHeaders),
          () => this.ask(request),
          onStaleServed,
        );
  }

  private ask(request: unknown): MaybePromise<unknown> {
    const answer = callUserFunction(
      this.source,
      request,
      undefined,
      isOptionsObject,
      (options: unknown) => options,
    );
    if (!isThenable(answer)) return answer;
    return withTimeout(
      answer,
      this.timeout,
      () =>
        `The per-request CORS policy of ${this.where} gave no answer within ${this.timeout} ms (timeout)`,
    );
  }

  /** The values of the `vary` headers: all the answer may depend on when it is kept. */
  private keyOf(request: RequestWithHeaders): string {
    let key = '';
    for (const name of this.varyKeys) {
      // A header value cannot contain a newline, so the key cannot be forged by one value.
      key += `${name === 'host' ? hostKeyOf(request) : keyPart(request.headers[name])}\n`;
    }
    return key;
  }
}

/** Compiled answers kept at most, per route's policy: answers are few (tenants), attacks are not. */
const MAX_COMPILED_ANSWERS = 512;

/**
 * A route's per-request policy: its function's answer, with the fields written above it (a
 * controller's `@Cors({ ... })` over a per-request default), checked and compiled once per
 * distinct answer. An answer that fails, times out or is invalid denies the request.
 */
export class RequestPolicy {
  /** Compiled answers by the answer object itself: a kept or constant answer costs a lookup. */
  private readonly byAnswer = new WeakMap<object, CompiledCorsPolicy<unknown>>();
  /** Compiled answers by fingerprint; `null` for an invalid answer, reported once. */
  private readonly byFingerprint = new Map<string, CompiledCorsPolicy<unknown> | null>();
  /**
   * The answer for each request, so that the request hook, the guard and the interceptor get one
   * answer from one call, as `app.enableCors()` calls its delegate once per request.
   */
  private readonly byRequest = new WeakMap<object, MaybePromise<CompiledCorsPolicy<unknown>>>();
  /** What a request gets when the function fails: nothing allowed, with the policy's `Vary`. */
  private readonly denied: CompiledCorsPolicy<unknown>;

  constructor(
    private readonly fn: PolicyFunction,
    private readonly fields: CorsPolicyOptions<unknown> | undefined,
    /** Where the route's policy was declared, for messages. */
    readonly where: string,
    private readonly log: RequestPolicyLog,
  ) {
    this.denied = compilePolicy({ origin: false }, { vary: fn.vary });
  }

  policyFor(request: object): MaybePromise<CompiledCorsPolicy<unknown>> {
    let policy = this.byRequest.get(request);
    if (policy === undefined) {
      policy = this.decide(request);
      this.byRequest.set(request, policy);
    }
    return policy;
  }

  private decide(request: object): MaybePromise<CompiledCorsPolicy<unknown>> {
    let answer: MaybePromise<unknown>;
    try {
      answer = this.fn.answerFor(request, this.servedStale);
    } catch (error) {
      return this.fail(error);
    }
    return answer instanceof Promise
      ? answer.then(
          (settled) => this.compiled(settled),
          (error: unknown) => this.fail(error),
        )
      : this.compiled(answer);
  }

  private compiled(answer: unknown): CompiledCorsPolicy<unknown> {
    const isObject = answer !== null && typeof answer === 'object' && !Array.isArray(answer);
    if (isObject) {
      const known = this.byAnswer.get(answer);
      if (known !== undefined) return known;
    }
    // Anything but an options object is compiled as it is, and refused: never merged into fields.
    const options = isObject ? { ...answer, ...this.fields } : answer;
    const fingerprint = fingerprintOf(options);
    let compiled = this.byFingerprint.get(fingerprint);
    if (compiled === undefined) {
      compiled = this.compile(options);
      if (this.byFingerprint.size >= MAX_COMPILED_ANSWERS) {
        const oldest = this.byFingerprint.keys().next();
        if (oldest.done !== true) this.byFingerprint.delete(oldest.value);
      }
      this.byFingerprint.set(fingerprint, compiled);
    }
    if (compiled === null) return this.denied;
    if (isObject) this.byAnswer.set(answer, compiled);
    return compiled;
  }

  /** Checks and compiles one distinct answer, reporting an invalid one and its notes once. */
  private compile(options: unknown): CompiledCorsPolicy<unknown> | null {
    const where = `the answer of the per-request policy of ${this.where}`;
    try {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) {
        const problems = new ProblemList();
        problems.add(
          'policy-not-object',
          'answer',
          options,
          'is not an options object',
          'answer with options such as { origin: "https://app.example.com" }, or { origin: false } for none',
        );
        problems.throwIfAny(where);
      }
      const compiled = compileWithTrial(options as CorsPolicyOptionsWithTrial<unknown>, {
        where,
        vary: this.fn.vary,
        reportError: this.log.reportError,
        reportTrialError: trialErrorReporter(this.log.error),
        // A trial must not deny what the answer allows: an invalid one is dropped, and said so.
        onInvalidTrial: (error) =>
          this.log.error(`${error.message}\nThe answer is used without its trial.`, undefined),
      });
      for (const note of differencesFromEnableCors(options as CorsPolicyOptions<unknown>))
        this.log.warn(`In ${where}: ${note}.`);
      return compiled;
    } catch (error) {
      this.log.error(
        `${(error as Error).message}\nRequests that get this answer are denied.`,
        undefined,
      );
      return null;
    }
  }

  /** A failure that the function's last good answer stood in for (`cache.staleIfError`). */
  private readonly servedStale = (error: unknown): void => {
    this.log.failed?.(error, 'stale-answer-served');
    this.log.error(
      `The per-request CORS policy of ${this.where} failed; its last good answer was served (cache.staleIfError).`,
      error,
    );
  };

  private fail(error: unknown): CompiledCorsPolicy<unknown> {
    this.log.failed?.(error, 'denied');
    this.log.error(
      `The per-request CORS policy of ${this.where} failed; the request was denied.`,
      error,
    );
    return this.denied;
  }
}

function isOptionsObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !isThenable(value);
}
