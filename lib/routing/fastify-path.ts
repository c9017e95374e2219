/**
 * Rewrites a Fastify route path (find-my-way syntax, as Nest registers it on Fastify) in the
 * path-to-regexp syntax the route table matches with:
 * - a trailing `*` (anything, even nothing) becomes an optional wildcard, `{*wildcard}`;
 * - an optional last parameter `/:name?` becomes `{/:name}`;
 * - a parameter's own regex, `:id(^\d+)`, is dropped: the pattern then matches more paths than
 *   the route, which can only make a preflight take that route's policy where the router would
 *   answer 404; never the other way round.
 */
export function fastifyPathToPattern(path: string): string {
  return path
    .replace(/(:[A-Za-z_$][\w$]*)\([^/]*\)/g, '$1')
    .replace(/\/(:[A-Za-z_$][\w$]*)\?$/, '{/$1}')
    .replace(/\/\*$/, '/{*wildcard}');
}
