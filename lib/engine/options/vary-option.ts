/** The validator of `vary`: request header names a policy was chosen by. */
import type { ProblemList } from '../errors/cors-configuration-error.js';
import { isToken } from '../http/tokens.js';

/** Request headers an answer may be chosen by: a tenant's few, not a request's all. */
const MAX_VARY = 16;

/**
 * Checks the request headers a policy is chosen by (a per-request policy's `vary`): header names,
 * each a token, `*` excluded since it would make every response uncacheable.
 */
export function compileVaryNames(names: unknown, problems: ProblemList): readonly string[] {
  if (names === undefined) return [];
  return checkVaryNames(names, 'vary', 'the policy is chosen by', problems)
    ? (names as string[])
    : [];
}

/**
 * Whether `names` is a list of at most 16 request header names (tokens, not `*`, no HTTP/2
 * pseudo-header): the request headers an answer depends on, which key kept answers and go into
 * `Vary`. When it is not, the problem is added, naming `option`.
 *
 * @param readBy what the names are, for the fix: "the policy is chosen by", "the predicate reads".
 */
export function checkVaryNames(
  names: unknown,
  option: string,
  readBy: string,
  problems: ProblemList,
): boolean {
  const list: readonly unknown[] = Array.isArray(names) ? names : [];
  const pseudo = list.find(
    (name): name is string => typeof name === 'string' && name.startsWith(':'),
  );
  if (pseudo !== undefined) {
    problems.add(
      'vary-invalid',
      option,
      names,
      `names the HTTP/2 pseudo-header ${JSON.stringify(pseudo)}, which is no header name and cannot appear in Vary`,
      pseudo.toLowerCase() === ':authority'
        ? `write ${option}: ["Host"]: over HTTP/2 it keys on the :authority the request was sent to, as req.hostname reads it`
        : `name the request headers ${readBy}, such as ${option}: ["Host"]`,
    );
    return false;
  }
  if (
    Array.isArray(names) &&
    names.length <= MAX_VARY &&
    list.every((name) => typeof name === 'string' && isToken(name) && name !== '*')
  )
    return true;
  problems.add(
    'vary-invalid',
    option,
    names,
    `is not a list of at most ${MAX_VARY} request header names`,
    `write ${option}: ["Host"], naming the request headers ${readBy}`,
  );
  return false;
}
