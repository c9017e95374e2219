import type { IncomingMessage } from 'node:http';
import { VERSION_NEUTRAL, type Type } from '@nestjs/common';
import { buildPolicy as compilePolicy } from '../../lib/engine/build-policy';
import { PolicyHandle } from '../../lib/policy/policy-handle';
import type { RouteRecord, RouteTarget } from '../../lib/routing/route-record';
import {
  RouteResolution,
  ambiguousRecords,
  isConditional,
  type ResolutionContext,
} from '../../lib/routing/route-resolution';

const handleOf = (origin: string) => new PolicyHandle(origin, compilePolicy({ origin }));
const DEFAULT = handleOf('https://default.example');
const A = handleOf('https://a.example');
const B = handleOf('https://b.example');

const target = (policy: RouteTarget['policy'], extra: Partial<RouteTarget> = {}): RouteTarget => ({
  policy,
  hosts: undefined,
  versions: undefined,
  ...extra,
});
const request = (headers: Record<string, string> = {}) => ({ headers }) as IncomingMessage;
const byHeader: ResolutionContext = {
  defaultPolicy: DEFAULT,
  readVersion: (r) => r.headers['x-version'] as string | undefined,
};

describe('RouteResolution', () => {
  it('is fixed by its first target when that one always runs', () => {
    const resolution = RouteResolution.of([target(A), target(B)]);
    expect(resolution.fixed).toBe(true);
    expect(resolution.policy).toBe(A);
    expect(resolution.policyFor('', request(), byHeader)).toBe(A);
  });

  it('keeps a switched-off route switched off', () => {
    expect(RouteResolution.of([target(null)]).policyFor('', request(), byHeader)).toBeNull();
  });

  it('refuses to exist without a target', () => {
    expect(() => RouteResolution.of([])).toThrow(RangeError);
  });

  it("says a handler reads the hook's decision only for a target of that policy that reads it", () => {
    const resolution = RouteResolution.of([
      target(A, { versions: ['1'] }),
      target(A, { versions: ['2'], readsHookDecision: true }),
      target(B, { versions: ['3'] }),
    ]);
    expect(resolution.readsHookDecision(A)).toBe(true);
    expect(resolution.readsHookDecision(B)).toBe(false);
    expect(resolution.readsHookDecision(DEFAULT)).toBe(false);
  });

  describe('host-bound targets', () => {
    const resolution = RouteResolution.of([target(A, { hosts: [/^admin\.example$/] }), target(B)]);
    it('is not fixed', () => expect(resolution.fixed).toBe(false));
    // The hostname comes from the platform (requestAuthorityOf), never from the Host header here:
    // over HTTP/2 there is none, and behind a trusted proxy it names the proxy's upstream.
    it('takes the host-bound target for the hostname the platform read', () =>
      expect(
        resolution.policyFor('admin.example', request({ host: 'backend:3000' }), byHeader),
      ).toBe(A));
    it('falls through to the next route for another host', () =>
      expect(
        resolution.policyFor('other.example', request({ host: 'admin.example' }), byHeader),
      ).toBe(B));
    it('falls through for a request without a host', () =>
      expect(resolution.policyFor('', request(), byHeader)).toBe(B));
    it('gives the default when no host-bound target matches and nothing follows', () =>
      expect(
        RouteResolution.of([target(A, { hosts: [/^admin\.example$/] })]).policyFor(
          'x.example',
          request(),
          byHeader,
        ),
      ).toBe(DEFAULT));
  });

  describe('version-filtered targets', () => {
    const resolution = RouteResolution.of([
      target(A, { versions: ['1'] }),
      target(B, { versions: ['2', VERSION_NEUTRAL] }),
    ]);
    it('takes the version the request asks for', () => {
      expect(resolution.policyFor('', request({ 'x-version': '1' }), byHeader)).toBe(A);
      expect(resolution.policyFor('', request({ 'x-version': '2' }), byHeader)).toBe(B);
    });
    it('takes the neutral target for an unknown version', () =>
      expect(resolution.policyFor('', request({ 'x-version': '9' }), byHeader)).toBe(B));
    it('gives the default when the version cannot be read and the policies differ', () =>
      expect(resolution.policyFor('', request(), byHeader)).toBe(DEFAULT));
    it('gives the shared policy when the version cannot be read but they agree', () =>
      expect(
        RouteResolution.of([
          target(A, { versions: ['1'] }),
          target(A, { versions: ['2'] }),
        ]).policyFor('', request(), { defaultPolicy: DEFAULT, readVersion: undefined }),
      ).toBe(A));
  });
});

describe('ambiguousRecords', () => {
  class C {}
  const record = (
    method: string,
    path: string,
    policy: RouteRecord['policy'],
    extra: Partial<RouteRecord> = {},
  ): RouteRecord => ({
    method,
    path,
    policy,
    hosts: undefined,
    versions: undefined,
    controller: C as Type,
    methodName: 'm',
    handler: {},
    ...extra,
  });

  it('names conditional routes that share method and path with another policy', () => {
    const v1 = record('GET', '/x', A, { versions: ['1'] });
    const v2 = record('GET', '/x', B, { versions: ['2'] });
    const put = record('PUT', '/x', B, { versions: ['2'] });
    expect(ambiguousRecords([v1, v2, put])).toEqual(new Set([v1, v2]));
  });

  it('does not name conditional routes that share one policy', () => {
    const v1 = record('GET', '/x', A, { versions: ['1'] });
    const v2 = record('GET', '/x', A, { versions: ['2'] });
    expect(ambiguousRecords([v1, v2]).size).toBe(0);
  });

  it('does not name unconditional routes, whatever shares their path', () => {
    expect(ambiguousRecords([record('GET', '/x', A), record('GET', '/x', B)]).size).toBe(0);
  });

  it('agrees with isConditional', () => {
    expect(isConditional(record('GET', '/x', A, { hosts: [/x/] }))).toBe(true);
    expect(isConditional(record('GET', '/x', A))).toBe(false);
  });
});
