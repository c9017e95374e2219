/**
 * The builder behind `compilePolicy`: runs every option's validator, then computes ahead every
 * answer that does not depend on the request.
 */
import { predicateFailure } from './judge-origin.js';
import type { CompiledPolicy } from './model/compiled-policy-internals.js';
import { ProblemList } from './errors/cors-configuration-error.js';
import {
  sharedDecision,
  type CorsDecision,
  type CorsHeader,
  type CorsReason,
} from './model/cors-decision.js';
import type { CorsPolicyOptions } from './model/cors-policy-options.js';
import { approvedPreflightHeaders } from './preflight-headers.js';
import { ApprovedPreflights } from './model/approved-preflights.js';
import { DEFAULT_METHODS, SAFELISTED_METHODS } from './http/methods.js';
import {
  ACCESS_CONTROL_ALLOW_CREDENTIALS,
  ACCESS_CONTROL_ALLOW_ORIGIN,
  ACCESS_CONTROL_EXPOSE_HEADERS,
} from './http/header-names.js';
import { readBoolean } from './options/boolean-options.js';
import { compilePredicateCacheOption } from './options/cache-option.js';

import { compileAllowedHeaders, compileExposedHeaders } from './options/header-options.js';
import { compileMethods } from './options/methods-option.js';
import { compileTimeout } from './options/timeout-option.js';
import { compileVaryNames } from './options/vary-option.js';
import { checkOptionNames } from './options/option-names.js';
import { compileOriginRule } from './options/origin-option.js';
import {
  compileMaxAge,
  compilePreflightCacheControl,
  compileSuccessStatus,
} from './options/preflight-answer-options.js';

import type { CompilePolicyContext } from './model/compiled-policy.js';

const ACTUAL_DENIAL_REASONS: readonly CorsReason[] = [
  'origin-not-allowed',
  'origin-malformed',
  'origin-predicate-failed',
];
const PREFLIGHT_DENIAL_REASONS: readonly CorsReason[] = [
  ...ACTUAL_DENIAL_REASONS,
  'method-not-allowed',
  'method-malformed',
  'request-headers-malformed',
  'request-headers-too-long',
  'request-headers-too-many',
  'private-network-not-allowed',
];

/**
 * Checks and compiles a policy, as `compilePolicy` does, returning the compiled form with its
 * internals, which only the engine reads.
 */
export function buildPolicy<TRequest = unknown>(
  options: CorsPolicyOptions<TRequest> = {},
  context: CompilePolicyContext = {},
): CompiledPolicy<TRequest> {
  const problems = new ProblemList();
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    problems.add(
      'policy-not-object',
      'policy',
      options,
      'is not an options object',
      'pass an object such as { origin: "https://app.example.com" }',
    );
    problems.throwIfAny(context.where);
  }
  checkOptionNames(options, problems);
  const flag = (name: BooleanOptionName) => readBoolean(options[name], name, problems);

  const credentials = flag('credentials');
  const preflightContinue = flag('preflightContinue');
  const privateNetworkAccess = flag('privateNetworkAccess');
  const allowNullOrigin = flag('dangerouslyAllowNullOrigin');
  const originRule = compileOriginRule<TRequest>(
    options.origin,
    {
      credentials,
      allowInsecure: flag('dangerouslyAllowInsecureOriginsWithCredentials'),
      allowPermissiveRegex: flag('dangerouslyAllowPermissiveRegexWithCredentials'),
    },
    problems,
  );
  const methodRule = compileMethods(options.methods, problems);
  const headerRule = compileAllowedHeaders(options.allowedHeaders, problems);
  const exposeValue = compileExposedHeaders(options.exposedHeaders, credentials, problems);
  const maxAgeValue = compileMaxAge(options.maxAge, problems);
  const preflightCacheControlValue = compilePreflightCacheControl(
    options.preflightCacheControl,
    problems,
  );
  const optionsSuccessStatus = compileSuccessStatus(options.optionsSuccessStatus, problems);
  const predicateTimeout = compileTimeout(
    options.predicateTimeout,
    'predicateTimeout',
    'predicate-timeout-out-of-range',
    problems,
  );
  const predicateCache = compilePredicateCacheOption(
    options.predicateCache,
    options.origin,
    problems,
  );
  if (predicateCache !== undefined && originRule.kind !== 'predicate') {
    problems.add(
      'cache-without-predicate',
      'predicateCache',
      options.predicateCache,
      'keeps the answers of an origin predicate, and origin is not a function',
      'remove predicateCache, or make origin a function',
    );
  }
  // The headers a predicate's kept answers are keyed by are headers the answer depends on.
  const chosenBy = withoutDuplicates([
    ...compileVaryNames(context.vary, problems),
    ...(predicateCache?.vary ?? []),
  ]);
  problems.throwIfAny(context.where);

  const actualHeadersAfterOrigin: CorsHeader[] = [];
  if (credentials) actualHeadersAfterOrigin.push([ACCESS_CONTROL_ALLOW_CREDENTIALS, 'true']);
  if (exposeValue !== undefined)
    actualHeadersAfterOrigin.push([ACCESS_CONTROL_EXPOSE_HEADERS, exposeValue]);

  // Under '*' or 'none' nothing in the answer depends on Origin, so caches need not key on it; under
  // '*' even a malformed Origin gets the same '*', or a cache could serve that denial to everyone.
  const dependsOnOrigin = originRule.kind !== 'any' && originRule.kind !== 'none';
  const actualVary = [...(dependsOnOrigin ? ['Origin'] : []), ...chosenBy].join(', ');
  const preflightVary = [
    'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    ...(privateNetworkAccess ? ['Access-Control-Request-Private-Network'] : []),
    ...chosenBy,
  ].join(', ');

  const preflightAnswer = {
    credentials,
    maxAgeValue,
    preflightCacheControlValue,
  };
  // An approval names the requested method and headers, so it is kept per (origin, method, header
  // list) once made, for the origins and methods the configuration names (bounded by it).
  const approvedPreflights = new ApprovedPreflights(
    originRule.kind === 'any'
      ? 'any'
      : new Set(originRule.kind === 'match' ? originRule.matcher.exact : []),
    new Set([
      ...SAFELISTED_METHODS,
      ...(methodRule.kind === 'listed' ? methodRule.allowed : DEFAULT_METHODS),
    ]),
    preflightVary,
    (allowOrigin, method, requestedHeaders, forbidCaching) =>
      approvedPreflightHeaders(
        preflightAnswer,
        allowOrigin,
        method,
        requestedHeaders,
        false,
        forbidCaching,
      ),
  );
  const approvedActual = (allowOrigin: string) =>
    sharedDecision(
      true,
      'allowed',
      [[ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin], ...actualHeadersAfterOrigin],
      actualVary,
    );
  const exactActualDecisions = new Map<string, CorsDecision>();
  if (originRule.kind === 'match') {
    for (const origin of originRule.matcher.exact)
      exactActualDecisions.set(origin, approvedActual(origin));
  }
  const anyOriginActualDecision = approvedActual('*');

  return Object.freeze({
    preflightContinue,
    optionsSuccessStatus,
    privateNetworkAccess,
    allowNullOrigin,
    originRule,
    methodRule,
    headerRule,
    ...preflightAnswer,
    actualHeadersAfterOrigin: Object.freeze(actualHeadersAfterOrigin),
    actualVary,
    preflightVary,
    exactActualDecisions,
    approvedPreflights,
    noOriginDecision:
      originRule.kind === 'any'
        ? anyOriginActualDecision
        : sharedDecision(false, 'no-origin', [], actualVary),
    anyOriginActualDecision,
    deniedActualDecisions: new Map(
      ACTUAL_DENIAL_REASONS.map((r) => [r, sharedDecision(false, r, [], actualVary)]),
    ),
    deniedPreflightDecisions: new Map(
      PREFLIGHT_DENIAL_REASONS.map((r) => [r, sharedDecision(false, r, [], preflightVary)]),
    ),
    reportError: context.reportError ?? reportToConsole,
    predicateTimeout,
    predicateAnswers: predicateCache?.answers,
  }) as unknown as CompiledPolicy<TRequest>;
}

function reportToConsole(
  error: unknown,
  origin: string,
  outcome: 'denied' | 'stale-answer-served',
): void {
  console.error(`[nestjs-cors] ${predicateFailure(origin, outcome)}`, error);
}

/** The options that are plain switches. */
type BooleanOptionName = {
  [K in keyof CorsPolicyOptions]-?: NonNullable<CorsPolicyOptions[K]> extends boolean ? K : never;
}[keyof CorsPolicyOptions];

/** Header names once each, compared as HTTP compares them (case-insensitively). */
function withoutDuplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
