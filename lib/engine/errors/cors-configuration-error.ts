/**
 * A stable, machine-readable name for each kind of configuration problem, for tools and tests; the
 * prose of {@link CorsConfigurationProblem.problem} and `fix` may be reworded, these will not.
 */
export type CorsProblemCode =
  | 'policy-not-object'
  | 'unknown-option'
  | 'not-boolean'
  | 'not-a-list'
  | 'list-item-not-string'
  | 'origin-any-with-credentials'
  | 'origin-reflect-with-credentials'
  | 'origin-permissive-regex-with-credentials'
  | 'origin-wildcard-among-others'
  | 'origin-not-string-or-regexp'
  | 'origin-insecure-with-credentials'
  | 'origin-null'
  | 'origin-whitespace'
  | 'origin-several-in-one'
  | 'origin-no-scheme'
  | 'origin-invalid-scheme'
  | 'origin-not-serialized'
  | 'origin-not-ascii'
  | 'origin-invalid-port'
  | 'origin-default-port'
  | 'origin-misplaced-wildcard'
  | 'origin-invalid-host'
  | 'origin-public-suffix-wildcard'
  | 'method-invalid'
  | 'method-forbidden'
  | 'header-name-invalid'
  | 'header-never-sent'
  | 'header-never-readable'
  | 'expose-any-with-credentials'
  | 'max-age-out-of-range'
  | 'success-status-not-2xx'
  | 'cache-control-invalid'
  | 'predicate-timeout-out-of-range'
  | 'cache-invalid'
  | 'cache-without-predicate'
  | 'cache-without-vary'
  | 'vary-invalid'
  | 'timeout-out-of-range'
  | 'module-options-invalid'
  | 'default-policy-twice'
  | 'policies-not-object'
  | 'policy-name-unknown'
  | 'decorator-argument-invalid'
  | 'report-invalid'
  | 'paths-invalid'
  | 'trial-invalid';

/** One thing wrong with a policy: which option, which value, and what to write instead. */
export interface CorsConfigurationProblem {
  /** What kind of problem it is, for tools and tests. */
  readonly code: CorsProblemCode;
  /** The option's path, such as `origin[2]` or `allowedHeaders`. */
  readonly option: string;
  /** The offending value, as the user wrote it. */
  readonly value: unknown;
  /** What is wrong with it. */
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
}

/**
 * Thrown at startup when a CORS policy is unsafe or cannot mean what it says. It lists every problem
 * found, not only the first, so that one restart is enough to see them all.
 *
 * @example
 * ```ts
 * compilePolicy({ origin: 'https://app.example.com/', credentials: true });
 * // CorsConfigurationError: invalid CORS policy:
 * //   - origin: "https://app.example.com/" has a trailing slash, so no browser origin can ever
 * //     equal it. Fix: write "https://app.example.com".
 * ```
 */
export class CorsConfigurationError extends Error {
  override readonly name = 'CorsConfigurationError';

  constructor(
    readonly problems: readonly CorsConfigurationProblem[],
    /** Where the policy was declared, such as `CorsModule.forRoot()` or `ItemsController.update`. */
    readonly where?: string,
  ) {
    super(formatProblems(problems, where));
  }
}

function formatProblems(
  problems: readonly CorsConfigurationProblem[],
  where: string | undefined,
): string {
  const heading = where === undefined ? 'invalid CORS policy:' : `invalid CORS policy in ${where}:`;
  const lines = problems.map(
    (p) =>
      `  - ${p.option}: ${describeValue(p.value)} ${p.problem}. Fix: ${p.fix}${/[.?!]$/.test(p.fix) ? '' : '.'}`,
  );
  return [heading, ...lines].join('\n');
}

/**
 * Renders a configured value the way the user would have written it. `enclosing` are the arrays
 * being rendered around it: an array that contains itself is rendered `[...]` there.
 */
export function describeValue(value: unknown, enclosing: readonly unknown[] = []): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof RegExp) return value.toString();
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) {
    if (enclosing.includes(value)) return '[...]';
    const inside = [...enclosing, value];
    return `[${value.map((item) => describeValue(item, inside)).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** Collects problems while a policy is checked, so that they can be reported together. */
export class ProblemList {
  private readonly problems: CorsConfigurationProblem[] = [];

  add(code: CorsProblemCode, option: string, value: unknown, problem: string, fix: string): void {
    this.problems.push({ code, option, value, problem, fix });
  }

  throwIfAny(where: string | undefined): void {
    if (this.problems.length > 0) throw new CorsConfigurationError(this.problems, where);
  }
}
