import 'reflect-metadata';
import { Header, VERSION_NEUTRAL, type Type } from '@nestjs/common';
import { Cors } from '../../lib';
import { markDecisionReaders, recordHandlerPolicies } from '../../lib/nest/handler-table';
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

describe('markDecisionReaders', () => {
  const policies = new CorsPolicyRegistry({ origin: 'https://a.example' }, QUIET);
  const handle = policies.defaultHandle;
  const marked = (records: RouteRecord[], enforce: boolean) => {
    const handlers = new HandlerTable();
    recordHandlerPolicies(records, handlers);
    return markDecisionReaders(records, handlers, enforce).map((r) => r.readsHookDecision === true);
  };

  it("marks the routes whose handler's guard or interceptor reads the hook's decision", () => {
    const records = [
      record(one, handle, { versions: ['1'] }),
      record(two, policies.resolve(UsesOther, UsesOther.prototype.m, 'm'), { versions: ['2'] }),
      record(three, handle, { path: '/other' }),
      record(one, handle, { path: '/plain', controller: Plain as Type }),
    ];
    // Ambiguous, ambiguous, a @Header('Vary') handler, and one no guard or interceptor reads.
    expect(marked(records, false)).toEqual([true, true, true, false]);
  });

  it('marks every route with a policy under enforce: true, and none switched off', () => {
    const records = [record(one, handle), record(two, null, { path: '/off' })];
    expect(marked(records, true)).toEqual([true, false]);
    expect(marked(records, false)).toEqual([false, false]);
  });

  it('copies a marked record and leaves the others as they were', () => {
    const plain = record(one, handle);
    const handlers = new HandlerTable();
    recordHandlerPolicies([plain], handlers);
    expect(markDecisionReaders([plain], handlers, false)[0]).toBe(plain);
    const [copy] = markDecisionReaders([plain], handlers, true);
    expect(copy).not.toBe(plain);
    expect(copy).toEqual({ ...plain, readsHookDecision: true });
  });
});

@Cors({ origin: 'https://other.example' })
class UsesOther {
  m() {}
}
class Plain {}
