import type {
  CompiledCorsPolicy,
  CorsErrorReporter,
  MethodRule,
  OriginRule,
} from './compiled-policy.js';
import { ProblemList } from './cors-configuration-error.js';
import {
  sharedDecision,
  type CorsDecision,
  type CorsHeader,
  type CorsReason,
} from './cors-decision.js';
import {
  POLICY_OPTION_NAMES,
  type CorsOriginPredicate,
  type CorsPolicyOptions,
} from './cors-policy-options.js';
import {
  ACCESS_CONTROL_ALLOW_CREDENTIALS,
  ACCESS_CONTROL_ALLOW_ORIGIN,
  ACCESS_CONTROL_EXPOSE_HEADERS,
  isForbiddenRequestHeader,
  isUnexposableResponseHeader,
} from './http/header-names.js';
import { DEFAULT_METHODS, FORBIDDEN_METHODS, normalizeConfiguredMethod } from './http/methods.js';
import type { RequestHeaderRule } from './http/request-headers.js';
import { approvedPreflightHeaders } from './decide-preflight.js';
import { isToken } from './http/tokens.js';
import { compileOriginMatcher } from './origin/origin-matcher.js';
import { isLoopbackHost, parseOriginPattern, type OriginPattern } from './origin/origin-pattern.js';

/** Settings of the compilation itself, as opposed to the policy. */
export interface CompilePolicyContext {
  /** Where the policy was declared, named in configuration errors. */
  readonly where?: string;
  /** Receives errors thrown by an origin predicate. Default: `console.error`. */
  readonly reportError?: CorsErrorReporter;
}

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
const MAX_AGE_LIMIT = 86400;

/**
 * Checks a policy and compiles it into the immutable form that {@link decideActual} and
 * {@link decidePreflight} answer requests with. Call it once, at startup.
 *
 * @throws {@link CorsConfigurationError} listing every unsafe or meaningless setting, each with the
 *   option, the value and the fix.
 *
 * @example
 * ```ts
 * const policy = compilePolicy({ origin: 'https://app.example.com', credentials: true });
 * decideActual(policy, 'https://app.example.com').headers;
 * // [['Access-Control-Allow-Origin', 'https://app.example.com'],
 * //  ['Access-Control-Allow-Credentials', 'true']]
 * ```
 */
export function compilePolicy<TRequest = unknown>(
  options: CorsPolicyOptions<TRequest> = {},
  context: CompilePolicyContext = {},
): CompiledCorsPolicy<TRequest> {
  const problems = new ProblemList();
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    problems.add(
      'policy',
      options,
      'is not an options object',
      'pass an object such as { origin: "https://app.example.com" }',
    );
    problems.throwIfAny(context.where);
  }
  checkOptionNames(options, problems);

  const credentials = readBoolean(options, 'credentials', false, problems);
  const preflightContinue = readBoolean(options, 'preflightContinue', false, problems);
  const privateNetworkAccess = readBoolean(options, 'privateNetworkAccess', false, problems);
  const allowNullOrigin = readBoolean(options, 'dangerouslyAllowNullOrigin', false, problems);
  const allowInsecure = readBoolean(
    options,
    'dangerouslyAllowInsecureOriginsWithCredentials',
    false,
    problems,
  );

  const originRule = compileOriginRule(options.origin, credentials, allowInsecure, problems);
  const methods = compileMethods(options.methods, credentials, problems);
  const headers = compileAllowedHeaders(options.allowedHeaders, credentials, problems);
  const exposeValue = compileExposedHeaders(options.exposedHeaders, credentials, problems);
  const maxAgeValue = compileMaxAge(options.maxAge, problems);
  const optionsSuccessStatus = compileSuccessStatus(options.optionsSuccessStatus, problems);
  problems.throwIfAny(context.where);

  const actualHeadersAfterOrigin: CorsHeader[] = [];
  if (credentials) actualHeadersAfterOrigin.push([ACCESS_CONTROL_ALLOW_CREDENTIALS, 'true']);
  if (exposeValue !== undefined)
    actualHeadersAfterOrigin.push([ACCESS_CONTROL_EXPOSE_HEADERS, exposeValue]);

  // Under '*' or 'none' nothing in the answer depends on Origin, so caches need not key on it; under
  // '*' even a malformed Origin gets the same '*', or a cache could serve that denial to everyone.
  const dependsOnOrigin = originRule.kind !== 'any' && originRule.kind !== 'none';
  const actualVary = dependsOnOrigin ? 'Origin' : '';
  const preflightVary =
    'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' +
    (privateNetworkAccess ? ', Access-Control-Request-Private-Network' : '');

  // When nothing in an approved preflight echoes the request, each origin's answer is fixed.
  const fixedPreflight = {
    credentials,
    allowMethodsValue: methods.value,
    allowHeadersValue: headers.value,
    maxAgeValue,
  };
  const hasFixedPreflight = methods.value !== undefined && headers.value !== undefined;
  const approvedPreflight = (allowOrigin: string) =>
    sharedDecision(
      true,
      'allowed',
      approvedPreflightHeaders(fixedPreflight, allowOrigin, '', '', false),
      preflightVary,
    );
  const exactPreflightDecisions = new Map<string, CorsDecision>();
  const exactActualDecisions = new Map<string, CorsDecision>();
  if (originRule.kind === 'match') {
    for (const origin of originRule.matcher.exact) {
      if (hasFixedPreflight) exactPreflightDecisions.set(origin, approvedPreflight(origin));
      exactActualDecisions.set(
        origin,
        sharedDecision(
          true,
          'allowed',
          [[ACCESS_CONTROL_ALLOW_ORIGIN, origin], ...actualHeadersAfterOrigin],
          actualVary,
        ),
      );
    }
  }

  return Object.freeze({
    source: Object.freeze({ ...options }),
    credentials,
    preflightContinue,
    optionsSuccessStatus,
    privateNetworkAccess,
    allowNullOrigin,
    originRule,
    methodRule: methods.rule,
    headerRule: headers.rule,
    allowMethodsValue: methods.value,
    allowHeadersValue: headers.value,
    maxAgeValue,
    actualHeadersAfterOrigin: Object.freeze(actualHeadersAfterOrigin),
    actualVary,
    preflightVary,
    exactActualDecisions,
    exactPreflightDecisions,
    anyOriginPreflightDecision:
      originRule.kind === 'any' && hasFixedPreflight ? approvedPreflight('*') : undefined,
    noOriginDecision: sharedDecision(false, 'no-origin', [], actualVary),
    anyOriginActualDecision: sharedDecision(
      true,
      'allowed',
      [[ACCESS_CONTROL_ALLOW_ORIGIN, '*'], ...actualHeadersAfterOrigin],
      actualVary,
    ),
    deniedActualDecisions: new Map(
      ACTUAL_DENIAL_REASONS.map((r) => [r, sharedDecision(false, r, [], actualVary)]),
    ),
    deniedPreflightDecisions: new Map(
      PREFLIGHT_DENIAL_REASONS.map((r) => [r, sharedDecision(false, r, [], preflightVary)]),
    ),
    reportError: context.reportError ?? reportToConsole,
  });
}

function reportToConsole(error: unknown, origin: string): void {
  console.error(
    `[nestjs-cors] the origin predicate failed for ${JSON.stringify(origin)}; the request was denied.`,
    error,
  );
}

function checkOptionNames(options: object, problems: ProblemList): void {
  const known = new Set<string>(POLICY_OPTION_NAMES);
  for (const name of Object.keys(options)) {
    if (known.has(name)) continue;
    const closest = closestName(name, POLICY_OPTION_NAMES);
    problems.add(
      name,
      (options as Record<string, unknown>)[name],
      'is not a CORS option, so it would be ignored',
      closest === undefined
        ? `remove it; the options are ${POLICY_OPTION_NAMES.join(', ')}`
        : `did you mean "${closest}"?`,
    );
  }
}

/** The known name nearest to a misspelt one, if any is near enough to be a likely typo. */
function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function readBoolean(
  options: CorsPolicyOptions<never>,
  name:
    | 'credentials'
    | 'preflightContinue'
    | 'privateNetworkAccess'
    | 'dangerouslyAllowNullOrigin'
    | 'dangerouslyAllowInsecureOriginsWithCredentials',
  fallback: boolean,
  problems: ProblemList,
): boolean {
  const value: unknown = options[name];
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  problems.add(name, value, 'is not a boolean', `write ${name}: true or ${name}: false`);
  return fallback;
}

function compileOriginRule<TRequest>(
  origin: unknown,
  credentials: boolean,
  allowInsecure: boolean,
  problems: ProblemList,
): OriginRule<TRequest> {
  if (origin === undefined || origin === false) return { kind: 'none' };
  if (origin === true) {
    if (credentials) {
      problems.add(
        'origin',
        true,
        'reflects every origin, and together with credentials: true that lets any website act as the signed-in user',
        'list the origins you trust, such as origin: ["https://app.example.com"]',
      );
    }
    return { kind: 'reflect' };
  }
  if (typeof origin === 'function')
    return { kind: 'predicate', predicate: origin as CorsOriginPredicate<TRequest> };
  if (origin === '*') {
    if (credentials) {
      problems.add(
        'origin',
        '*',
        'cannot be used with credentials: true; browsers refuse a credentialed response that allows "*"',
        'list the origins you trust, or set credentials: false',
      );
    }
    return { kind: 'any' };
  }
  const entries: readonly unknown[] = Array.isArray(origin) ? origin : [origin];
  const patterns: OriginPattern[] = [];
  const regexes: RegExp[] = [];
  entries.forEach((entry, index) => {
    const option = Array.isArray(origin) ? `origin[${index}]` : 'origin';
    if (entry instanceof RegExp) {
      regexes.push(entry);
    } else if (entry === '*') {
      problems.add(
        option,
        entry,
        'allows every origin, which makes the other entries meaningless',
        'write origin: "*" alone, or remove "*"',
      );
    } else if (typeof entry === 'string') {
      const pattern = parseOriginPattern(entry, option, problems);
      if (pattern === undefined) return;
      if (
        credentials &&
        !allowInsecure &&
        pattern.scheme === 'http' &&
        !isLoopbackHost(pattern.host)
      ) {
        problems.add(
          option,
          entry,
          'is plain http on a network host, and with credentials: true anyone on the network path can impersonate it',
          `write "${entry.replace(/^http:/i, 'https:')}", or set dangerouslyAllowInsecureOriginsWithCredentials: true`,
        );
      }
      patterns.push(pattern);
    } else {
      problems.add(
        option,
        entry,
        'is not an origin string or a RegExp',
        'write an origin such as "https://app.example.com"',
      );
    }
  });
  return { kind: 'match', matcher: compileOriginMatcher(patterns, regexes) };
}

/** Splits the `"A, B"` string form that Nest's `CorsOptions` accepts, or takes an array as it is. */
function toList(
  value: unknown,
  option: string,
  problems: ProblemList,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (Array.isArray(value)) {
    const list: string[] = [];
    value.forEach((item: unknown, index) => {
      if (typeof item === 'string') list.push(item.trim());
      else
        problems.add(
          `${option}[${index}]`,
          item,
          'is not a string',
          'write a name such as "X-Request-Id"',
        );
    });
    return list;
  }
  problems.add(
    option,
    value,
    'is not a list',
    `write an array of strings, such as ${option}: ["X-Request-Id"]`,
  );
  return undefined;
}

function compileMethods(
  value: unknown,
  credentials: boolean,
  problems: ProblemList,
): { rule: MethodRule; value: string | undefined } {
  const list = toList(value, 'methods', problems) ?? DEFAULT_METHODS;
  const allowed = new Set<string>();
  let wildcard = false;
  for (const raw of list) {
    if (raw === '*') {
      wildcard = true;
      continue;
    }
    if (!isToken(raw)) {
      problems.add(
        'methods',
        raw,
        'is not a valid HTTP method name',
        'write a method such as "PUT"',
      );
      continue;
    }
    const method = normalizeConfiguredMethod(raw);
    if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
      problems.add('methods', raw, 'is a method browsers never let a page send', 'remove it');
      continue;
    }
    allowed.add(method);
  }
  if (wildcard) {
    // With credentials a literal '*' means the method named '*', so the requested method is echoed.
    return { rule: { kind: 'any' }, value: credentials ? undefined : '*' };
  }
  return { rule: { kind: 'listed', allowed }, value: [...allowed].join(', ') };
}

function compileAllowedHeaders(
  value: unknown,
  credentials: boolean,
  problems: ProblemList,
): { rule: RequestHeaderRule; value: string | undefined } {
  const list = toList(value, 'allowedHeaders', problems);
  if (list === undefined) return { rule: { kind: 'any' }, value: undefined };
  const names = checkHeaderNames(list, 'allowedHeaders', problems, (lower) =>
    isForbiddenRequestHeader(lower)
      ? 'is a header a page can never set, so allowing it has no effect'
      : undefined,
  );
  const allowed = new Set(names.map((name) => name.toLowerCase()));
  if (names.includes('*')) {
    const listed = names.filter((name) => name !== '*');
    allowed.delete('*');
    return {
      rule: { kind: 'wildcard', allowed },
      // With credentials '*' is a header named '*', so the requested names are echoed instead.
      value: credentials ? undefined : ['*', ...listed].join(', '),
    };
  }
  return { rule: { kind: 'listed', allowed }, value: names.join(', ') };
}

function compileExposedHeaders(
  value: unknown,
  credentials: boolean,
  problems: ProblemList,
): string | undefined {
  const list = toList(value, 'exposedHeaders', problems);
  if (list === undefined || list.length === 0) return undefined;
  const names = checkHeaderNames(list, 'exposedHeaders', problems, (lower) =>
    isUnexposableResponseHeader(lower)
      ? 'is a header browsers never let a page read, so exposing it has no effect'
      : undefined,
  );
  if (credentials && names.includes('*')) {
    problems.add(
      'exposedHeaders',
      '*',
      'exposes nothing with credentials: true; browsers read it as a header named "*"',
      'list the headers to expose, such as exposedHeaders: ["X-Request-Id"]',
    );
  }
  return names.join(', ');
}

/** Keeps the valid, distinct names of a header list, reporting the rest. */
function checkHeaderNames(
  list: readonly string[],
  option: string,
  problems: ProblemList,
  refuse: (lowerName: string) => string | undefined,
): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const name of list) {
    const lower = name.toLowerCase();
    if (name !== '*' && !isToken(name)) {
      problems.add(
        option,
        name,
        'is not a valid header name',
        'write a name made of letters, digits and -, such as "X-Request-Id"',
      );
      continue;
    }
    const refusal = name === '*' ? undefined : refuse(lower);
    if (refusal !== undefined) {
      problems.add(option, name, refusal, 'remove it');
      continue;
    }
    if (!seen.has(lower)) {
      seen.add(lower);
      names.push(name);
    }
  }
  return names;
}

function compileMaxAge(value: unknown, problems: ProblemList): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < -1 ||
    value > MAX_AGE_LIMIT
  ) {
    problems.add(
      'maxAge',
      value,
      `is not a whole number of seconds from -1 to ${MAX_AGE_LIMIT}; browsers ignore or cap anything else (Chromium at 7200)`,
      `write a value such as maxAge: 600, or -1 to forbid caching`,
    );
    return undefined;
  }
  return String(value);
}

function compileSuccessStatus(value: unknown, problems: ProblemList): number {
  if (value === undefined) return 204;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 200 && value <= 299)
    return value;
  problems.add(
    'optionsSuccessStatus',
    value,
    'is not a 2xx status; browsers fail every preflight answered with another status',
    'write 204 (the default) or 200 for old clients',
  );
  return 204;
}
