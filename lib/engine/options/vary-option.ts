import type { ProblemList } from '../cors-configuration-error.js';
import { isToken } from '../http/tokens.js';

/**
 * Checks the request headers a policy is chosen by (a per-request policy's `vary`): header names,
 * each a token, `*` excluded since it would make every response uncacheable.
 */
export function compileVaryNames(names: unknown, problems: ProblemList): readonly string[] {
  if (names === undefined) return [];
  if (
    Array.isArray(names) &&
    names.every((name) => typeof name === 'string' && isToken(name) && name !== '*')
  )
    return names as string[];
  problems.add(
    'vary-invalid',
    'vary',
    names,
    'is not a list of request header names',
    'write vary: ["Host"], naming the request headers the policy is chosen by',
  );
  return [];
}
