/** The `paths` option: policies for server paths outside the controllers, and which routes they cover. */
import { match } from 'path-to-regexp';
import type { CorsPolicyMetadata } from '../policy/policy-metadata.js';
import { ProblemList } from '../engine/index.js';
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import type { RouteRecord, RouteTarget } from './route-record.js';

/** How messages name the option. */
const PATHS_OPTION = 'paths';

/** One entry of the module's `paths` option: a server path outside Nest's controllers. */
export interface PathPolicy {
  /** The path as written (path-to-regexp 8 syntax), matched as a mount: it covers what lies below. */
  readonly path: string;
  /** Where requests under it find their policy: unconditional, as the entry is. */
  readonly target: RouteTarget;
  /** How messages name the entry: `paths["/graphql"]`. */
  readonly where: string;
}

/**
 * The `paths` option, checked and resolved: each entry's value means what it would mean in
 * `@Cors()` on a controller (fields over the module default, a policy name, a per-request policy,
 * or `false`), and entries keep the order they were written in, which is the order they are tried.
 *
 * @throws CorsConfigurationError naming every invalid entry, when one is.
 */
export function pathPoliciesOf(paths: unknown, registry: CorsPolicyRegistry): PathPolicy[] {
  if (paths === undefined) return [];
  const problems = new ProblemList();
  if (paths === null || typeof paths !== 'object' || Array.isArray(paths)) {
    problems.add(
      'paths-invalid',
      PATHS_OPTION,
      paths,
      'is not an object of server paths and their policies',
      'write paths: { "/graphql": { origin: "https://app.example.com" } }',
    );
    problems.throwIfAny('CorsModule options');
  }
  const entries = Object.entries(paths as Record<string, CorsPolicyMetadata>);
  for (const [path] of entries) checkPath(path, problems);
  problems.throwIfAny('CorsModule options');
  return entries.map(([path, value]) => {
    const where = `${PATHS_OPTION}[${JSON.stringify(path)}]`;
    return {
      path,
      target: {
        policy: registry.resolveMetadata(value, where),
        hosts: undefined,
        versions: undefined,
      },
      where,
    };
  });
}

function checkPath(path: string, problems: ProblemList): void {
  const option = `${PATHS_OPTION}[${JSON.stringify(path)}]`;
  if (!path.startsWith('/')) {
    problems.add(
      'paths-invalid',
      option,
      path,
      'is not a server path: it does not start with "/"',
      `write ${JSON.stringify(`/${path}`)}`,
    );
    return;
  }
  try {
    match(path);
  } catch (error) {
    problems.add(
      'paths-invalid',
      option,
      path,
      `is not a path in the syntax Nest 12 routes use (path-to-regexp 8): ${(error as Error).message}`,
      'write a plain prefix such as "/graphql", or a wildcard with a name such as "/files/*path"',
    );
  }
}

/**
 * Finds which entry covers a route as the route is declared (`/graphql`, `/static/*`, `/docs/json`):
 * the first entry that matches the declared path as a mount matches a request path, at a segment
 * boundary. Used where the platform's router, not a mount, picks what runs: a route registered
 * outside Nest takes the policy of the entry that covers it, and the router decides which requests
 * reach it.
 */
export class DeclaredRouteCover {
  private readonly matchers: readonly { entry: PathPolicy; test: (path: string) => unknown }[];

  constructor(entries: readonly PathPolicy[], caseSensitive: boolean) {
    this.matchers = entries.map((entry) => ({
      entry,
      // A mount ignores a trailing slash of its own path: "/trail/" covers "/trail/x" too.
      test: match(entry.path.length > 1 ? entry.path.replace(/\/$/, '') : entry.path, {
        end: false,
        sensitive: caseSensitive,
        decode: false,
      }),
    }));
  }

  /** The entry covering a declared route path, if any. */
  cover(routePath: string): PathPolicy | undefined {
    return this.matchers.find(({ test }) => test(routePath) !== false)?.entry;
  }

  /**
   * One line per entry that also covers controller routes, which keep their own policy: the entry
   * probably says more than its author meant, or a controller route sits where it should not.
   */
  shadowWarnings(records: readonly RouteRecord[]): string[] {
    const warnings: string[] = [];
    for (const { entry, test } of this.matchers) {
      const shadowed = records.filter((record) => test(record.path) !== false);
      if (shadowed.length === 0) continue;
      const listed = shadowed
        .slice(0, 3)
        .map((record) => `${record.method} ${record.path}`)
        .join(', ');
      const more = shadowed.length > 3 ? ` and ${shadowed.length - 3} more` : '';
      warnings.push(
        `${entry.where} also covers controller routes (${listed}${more}), which keep their own policy: controller routes win over paths. Narrow the path, or give those routes @Cors() if they should follow it.`,
      );
    }
    return warnings;
  }
}
