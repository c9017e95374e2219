/** The module's `paths` entries as the report explains them. */
import type { Type } from '@nestjs/common';
import { classDeclaring, type CorsPolicyMetadata } from '../policy/policy-metadata.js';

/** One `paths` entry, with a stand-in the registry can explain its policy from. */
export interface ReportedPath {
  readonly path: string;
  /** `paths["/graphql"]`, as the module's messages name the entry. */
  readonly where: string;
  /**
   * A class carrying the entry's value as its `@Cors()`, named as the entry is: an entry's value
   * means what `@Cors(value)` on a controller means, so the registry explains it as that
   * controller's policy, with each field's source named `paths["/graphql"]`.
   */
  readonly declaredAs: Type;
}

/**
 * The entries of the module's `paths` option, in the order they are tried. Made once, when the
 * report is set up: the registry keeps each class's policy, so a class made per request would
 * grow it without bound. The option was checked at startup; nothing here checks it again.
 */
export function reportedPaths(
  paths: Readonly<Record<string, CorsPolicyMetadata>> | undefined,
): ReportedPath[] {
  return Object.entries(paths ?? {}).map(([path, value]) => {
    const where = `paths[${JSON.stringify(path)}]`;
    return { path, where, declaredAs: classDeclaring(where, value) };
  });
}
