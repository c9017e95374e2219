import { fastifyPathToPattern } from '../../lib/routing/fastify-path';

describe('fastifyPathToPattern', () => {
  it.each([
    ['/items', '/items'],
    ['/items/:id', '/items/:id'],
    ['/files/*', '/files/{*wildcard}'],
    ['/items/:id?', '/items{/:id}'],
    ['/items/:id(^\\d+)', '/items/:id'],
    ['/a/:x(^\\d+)/b', '/a/:x/b'],
  ])('rewrites %s as %s', (path, pattern) => {
    expect(fastifyPathToPattern(path)).toBe(pattern);
  });
});
