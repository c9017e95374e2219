/** The validator of `methods`. */
import type { MethodRule } from '../model/compiled-policy-internals.js';
import type { ProblemList } from '../errors/cors-configuration-error.js';
import { DEFAULT_METHODS, FORBIDDEN_METHODS, normalizeConfiguredMethod } from '../http/methods.js';
import { isToken } from '../http/tokens.js';
import { readList } from './list-option.js';

/**
 * Checks `methods` and compiles the rule a preflight's requested method is judged by. An approved
 * preflight names the requested method alone, so no list is compiled for it.
 */
export function compileMethods(value: unknown, problems: ProblemList): MethodRule {
  const list = readList(value, 'methods', problems) ?? DEFAULT_METHODS;
  const allowed = new Set<string>();
  let wildcard = false;
  for (const raw of list) {
    if (raw === '*') {
      wildcard = true;
      continue;
    }
    if (!isToken(raw)) {
      problems.add(
        'method-invalid',
        'methods',
        raw,
        'is not a valid HTTP method name',
        'write a method such as "PUT"',
      );
      continue;
    }
    const method = normalizeConfiguredMethod(raw);
    // https://fetch.spec.whatwg.org/#forbidden-method
    if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
      problems.add(
        'method-forbidden',
        'methods',
        raw,
        'is a method browsers never let a page send',
        'remove it',
      );
      continue;
    }
    allowed.add(method);
  }
  return wildcard ? { kind: 'any' } : { kind: 'listed', allowed };
}
