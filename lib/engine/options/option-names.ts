/** Unknown option names refused, with the name meant where it is another library's. */
import type { ProblemList } from '../errors/cors-configuration-error.js';
import { POLICY_OPTION_NAMES } from '../model/cors-policy-options.js';

/**
 * Options of `@fastify/cors`, which Nest's Fastify adapter passes `app.enableCors()` options to, and
 * what to do with each here: someone moving over copies them along.
 */
const FASTIFY_CORS_OPTIONS: Readonly<Record<string, string>> = {
  cacheControl: 'write it as preflightCacheControl, which takes the same seconds or header value',
  strictPreflight:
    'remove it: only an OPTIONS request with Origin and Access-Control-Request-Method is answered as a preflight, always',
  hook: 'remove it: the module answers preflights and writes headers before any other hook or middleware',
  hideOptionsRoute: 'remove it: the module registers no route a schema generator would list',
  logLevel: 'remove it; set debug: true in the CorsModule options to log denials',
  delegator: 'give the function itself as the policy, CorsModule.forRoot(fn) or @Cors(fn)',
  allowPrivateNetwork: 'write it as privateNetworkAccess',
};

/** Reports every option name that is not a CORS option, with the likely intended one. */
export function checkOptionNames(options: object, problems: ProblemList): void {
  const known = new Set<string>(POLICY_OPTION_NAMES);
  for (const name of Object.keys(options)) {
    if (known.has(name)) continue;
    const closest = closestName(name, POLICY_OPTION_NAMES);
    const fromFastifyCors = Object.hasOwn(FASTIFY_CORS_OPTIONS, name)
      ? FASTIFY_CORS_OPTIONS[name]
      : undefined;
    problems.add(
      'unknown-option',
      name,
      (options as Record<string, unknown>)[name],
      fromFastifyCors === undefined
        ? 'is not a CORS option, so it would be ignored'
        : 'is an option of @fastify/cors, which this module does not use',
      fromFastifyCors ??
        (closest === undefined
          ? `remove it; the options are ${POLICY_OPTION_NAMES.join(', ')}`
          : `did you mean "${closest}"?`),
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

/** Levenshtein distance, for names of a few dozen characters. */
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
