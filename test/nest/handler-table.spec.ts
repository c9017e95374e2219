import 'reflect-metadata';
import { Header, VERSION_NEUTRAL, type Type } from '@nestjs/common';
import { Cors } from '../../lib';
import { recordHandlerPolicies } from '../../lib/nest/handler-table';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { HandlerTable } from '../../lib/nest/handler-policies';
import type { RouteRecord } from '../../lib/routing/route-record';

class Things {
  one() {}
  two() {}
  @Header('Vary', 'Accept-Encoding') three() {}
}
const [one, two, three] = [Things.prototype.one, Things.prototype.two, Things.prototype.three];

function record(handler: object, policy: RouteRecord['policy'], extra: Partial<RouteRecord> = {}) {
  return {
    method: 'GET',
    path: '/things',
    hosts: undefined,
    versions: undefined,
    controller: Things as Type,
    methodName: 'm',
    handler,
    policy,
    ...extra,
  } satisfies RouteRecord;
}

const QUIET = { error: () => undefined, warn: () => undefined, reportError: () => undefined };

describe('recordHandlerPolicies', () => {
  const policies = new CorsPolicyRegistry(
    { origin: 'https://a.example', policies: { b: { origin: 'https://b.example' } } },
    QUIET,
  );
  @Cors('b')
  class UsesB {
    m() {}
  }
  const other = policies.resolve(UsesB, UsesB.prototype.m, 'm');

  it('marks handlers told apart only by version as uncertain, and only those', () => {
    const handlers = new HandlerTable();
    recordHandlerPolicies(
      [
        record(one, policies.defaultHandle, { versions: ['1'] }),
        record(two, other, { versions: ['2', VERSION_NEUTRAL] }),
        record(three, other, { path: '/other' }),
      ],
      handlers,
    );
    expect(handlers.get(Things, one)?.uncertain).toBe(true);
    expect(handlers.get(Things, two)?.uncertain).toBe(true);
    expect(handlers.get(Things, three)?.uncertain).toBe(false);
  });

  it("notes a handler whose @Header() replaces Vary, and keeps each handler's policy", () => {
    const handlers = new HandlerTable();
    recordHandlerPolicies([record(one, null), record(three, other)], handlers);
    expect(handlers.get(Things, three)).toEqual({
      policy: other,
      uncertain: false,
      overwritesCorsHeaders: true,
      sharedUrls: [],
    });
    expect(handlers.get(Things, one)?.policy).toBeNull();
    expect(handlers.get(Things, one)?.overwritesCorsHeaders).toBe(false);
  });
});
