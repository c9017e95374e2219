// What a preflight leads to on Fastify: the routes grouped by (method, path), each group's note
// found by the requested method and the URL, as an actual request of that method is routed.
import { MethodRoutes } from '../../../lib/http/fastify/fastify-method-routes';
import { PreflightTargets } from '../../../lib/http/fastify/fastify-preflight-targets';
import type { RouteNote } from '../../../lib/http/fastify/fastify-route-note';
import type { RouteOptions } from '../../../lib/http/fastify/fastify-types';
import type { CoverableTarget } from '../../../lib/http/fastify/fastify-url-targets';
import type { RoutePolicy } from '../../../lib/policy/policy-handle';
import type { RouteTarget } from '../../../lib/routing/route-record';

interface Setup {
  readonly targets: PreflightTargets;
  note(method: string | string[], url: string, target: RouteTarget): void;
  /**
   * The targets of the note a preflight for `method` to `url` leads to, the one first in router
   * order first; `null` for none.
   */
  found(method: string, url: string): readonly RouteTarget[] | null;
}

const known: RouteTarget[] = [];

/** A target told apart by its policy, a value of its own. */
function targetNamed(name: string): RouteTarget {
  const target = {
    policy: Symbol(name) as unknown as RoutePolicy,
    hosts: undefined,
    versions: undefined,
  };
  known.push(target);
  return target;
}

function setUp(): Setup {
  const targets = new PreflightTargets(
    new MethodRoutes<RouteNote>(
      () => undefined,
      () => true,
    ),
    undefined,
    () => false,
  );
  return {
    targets,
    note(method, url, target) {
      const options: RouteOptions = { method, url, handler: () => 'ok' };
      const coverable: CoverableTarget = { target, byUrl: false };
      targets.note(options, coverable, false);
    },
    found(method, url) {
      const found = targets.find(method, url);
      if (found === null) return null;
      if (typeof found === 'symbol') throw new Error('router unknown');
      const resolution = found.store.resolution!;
      const matched = known.filter((target) => resolution.targetWith(target.policy) === target);
      const first = matched.find((target) => target.policy === resolution.policy)!;
      return [first, ...matched.filter((target) => target !== first)];
    },
  };
}

describe('PreflightTargets', () => {
  const a = targetNamed('a');
  const b = targetNamed('b');
  const c = targetNamed('c');

  it('leads a preflight to the route of its requested method, as that request is routed', () => {
    const { targets, note, found } = setUp();
    note('GET', '/items', a);
    note('PUT', '/items/:id', b);
    note('PUT', '/items/special', c);
    targets.routesRegistered();
    expect(found('GET', '/items')).toEqual([a]);
    expect(found('PUT', '/items/7')).toEqual([b]);
    // Static before parametric, as find-my-way chooses.
    expect(found('PUT', '/items/special')).toEqual([c]);
    expect(found('PUT', '/items')).toBeNull();
    expect(found('DELETE', '/items/7')).toBeNull();
  });

  it('groups the routes of one (method, path) into one note, in order', () => {
    const { targets, note, found } = setUp();
    note('GET', '/items', a);
    note(['GET', 'POST'], '/items', b);
    targets.routesRegistered();
    expect(found('GET', '/items')).toEqual([a, b]);
    expect(found('POST', '/items')).toEqual([b]);
  });

  it('notes a method that comes after the path’s routes; a late route of a noted pair changes nothing', () => {
    const { targets, note, found } = setUp();
    note('GET', '/items', a);
    targets.routesRegistered();
    note('POST', '/items', b);
    note('GET', '/items', c);
    expect(found('GET', '/items')).toEqual([a]);
    expect(found('POST', '/items')).toEqual([b]);
    expect(found('PUT', '/items')).toBeNull();
  });

  it('takes routes whose parameters are named differently as one route, as the router does', () => {
    const { targets, note, found } = setUp();
    // Fastify takes both only under different constraints: two hosts, two versions.
    note('PUT', '/users/:id', a);
    note('PUT', '/users/:userId', b);
    note('PUT', '/other/:x', c);
    targets.routesRegistered();
    expect(found('PUT', '/users/7')).toEqual([a, b]);
    expect(found('PUT', '/other/1')).toEqual([c]);
  });

  it('a late route of a noted shape changes nothing, once the router is built too', () => {
    const { targets, note, found } = setUp();
    note('PUT', '/users/:id', a);
    targets.routesRegistered();
    expect(found('PUT', '/users/7')).toEqual([a]);
    note('PUT', '/users/:userId', b);
    note('PUT', '/later/:id', c);
    expect(found('PUT', '/users/7')).toEqual([a]);
    expect(found('PUT', '/later/7')).toEqual([c]);
  });

  it('makes no note before Nest’s routes are in', () => {
    const { targets, note, found } = setUp();
    note('GET', '/items', a);
    expect(found('GET', '/items')).toBeNull();
    targets.routesRegistered();
    expect(found('GET', '/items')).toEqual([a]);
  });
});
