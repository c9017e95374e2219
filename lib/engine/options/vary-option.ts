import type { ProblemList } from '../cors-configuration-error.js';
import { isToken } from '../http/tokens.js';

/**
 * Checks the request headers a policy is chosen by (a per-request policy's `vary`): header names,
 * each a token, `*` excluded since it would make every response uncacheable.
 */
export function compileVaryNames(names: unknown, problems: ProblemList): readonly string[] {
  if (names === undefined) return [];
  const pseudo = Array.isArray(names)
    ? (names as unknown[]).find(
        (name): name is string => typeof name === 'string' && name.startsWith(':'),
      )
    : undefined;
  if (pseudo !== undefined) {
    problems.add(
      'vary-invalid',
      'vary',
      names,
      `names the HTTP/2 pseudo-header ${JSON.stringify(pseudo)}, which is no header name and cannot appear in Vary`,
      pseudo.toLowerCase() === ':authority'
        ? 'write vary: ["Host"]: over HTTP/2 it keys on the :authority the request was sent to, as req.hostname reads it'
        : 'name the request headers the policy is chosen by, such as vary: ["Host"]',
    );
    return [];
  }
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
