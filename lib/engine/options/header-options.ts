/** The validators of `allowedHeaders` and `exposedHeaders`. */
import type { CorsProblemCode, ProblemList } from '../errors/cors-configuration-error.js';
import { isForbiddenRequestHeader, isUnexposableResponseHeader } from '../http/header-names.js';
import type { RequestHeaderRule } from '../http/request-headers.js';
import { isToken } from '../http/tokens.js';
import { readList } from './list-option.js';

/**
 * Checks `allowedHeaders` and compiles the rule a preflight's requested headers are judged by. An
 * approved preflight names the requested headers alone, so no list is compiled for it.
 */
export function compileAllowedHeaders(value: unknown, problems: ProblemList): RequestHeaderRule {
  const list = readList(value, 'allowedHeaders', problems);
  if (list === undefined) return { kind: 'any' };
  const names = checkHeaderNames(list, 'allowedHeaders', problems, (lower) =>
    // https://fetch.spec.whatwg.org/#forbidden-request-header
    isForbiddenRequestHeader(lower)
      ? ['header-never-sent', 'is a header a page can never set, so allowing it has no effect']
      : undefined,
  );
  const allowed = new Set(names.map((name) => name.toLowerCase()));
  if (names.includes('*')) {
    allowed.delete('*');
    return { kind: 'wildcard', allowed };
  }
  return { kind: 'listed', allowed };
}

/** Checks `exposedHeaders` and compiles its `Access-Control-Expose-Headers` value. */
export function compileExposedHeaders(
  value: unknown,
  credentials: boolean,
  problems: ProblemList,
): string | undefined {
  const list = readList(value, 'exposedHeaders', problems);
  if (list === undefined || list.length === 0) return undefined;
  const names = checkHeaderNames(list, 'exposedHeaders', problems, (lower) =>
    // https://fetch.spec.whatwg.org/#forbidden-response-header-name
    isUnexposableResponseHeader(lower)
      ? [
          'header-never-readable',
          'is a header browsers never let a page read, so exposing it has no effect',
        ]
      : undefined,
  );
  if (credentials && names.includes('*')) {
    problems.add(
      'expose-any-with-credentials',
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
  refuse: (lowerName: string) => readonly [CorsProblemCode, string] | undefined,
): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const name of list) {
    const lower = name.toLowerCase();
    if (name !== '*' && !isToken(name)) {
      problems.add(
        'header-name-invalid',
        option,
        name,
        'is not a valid header name',
        'write a name made of letters, digits and -, such as "X-Request-Id"',
      );
      continue;
    }
    const refusal = name === '*' ? undefined : refuse(lower);
    if (refusal !== undefined) {
      problems.add(refusal[0], option, name, refusal[1], 'remove it');
      continue;
    }
    if (!seen.has(lower)) {
      seen.add(lower);
      names.push(name);
    }
  }
  return names;
}
