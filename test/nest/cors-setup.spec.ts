import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { Header, VERSION_NEUTRAL, VersioningType, type Type } from '@nestjs/common';
import { Cors } from '../../lib';
import {
  recordHandlerPolicies,
  uniformNoOriginVary,
  versionReaderFor,
} from '../../lib/nest/cors-setup';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { HandlerPolicies } from '../../lib/nest/handler-policies';
import type { RouteRecord } from '../../lib/routing/route-record';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

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

describe('versionReaderFor', () => {
  it('reads a header version, and nothing from an empty header', () => {
    const read = versionReaderFor({ type: VersioningType.HEADER, header: 'X-API-Version' })!;
    expect(read(request({ 'x-api-version': '2' }))).toBe('2');
    expect(read(request({ 'x-api-version': '' }))).toBeUndefined();
  });

  it('reads a media-type version from the first parameter of Accept', () => {
    const read = versionReaderFor({ type: VersioningType.MEDIA_TYPE, key: 'v=' })!;
    expect(read(request({ accept: 'application/json;v=2' }))).toBe('2');
    expect(read(request({ accept: 'application/json' }))).toBeUndefined();
  });

  it('has nothing to read when the version is in the path, or there is none', () => {
    expect(versionReaderFor({ type: VersioningType.URI })).toBeUndefined();
    expect(versionReaderFor(undefined)).toBeUndefined();
  });
});

const QUIET = { error: () => undefined, warn: () => undefined, reportError: () => undefined };

describe('uniformNoOriginVary', () => {
  const registry = (origin: string) =>
    new CorsPolicyRegistry({ origin, policies: { open: { origin: '*' } } }, QUIET);

  it('is the shared Vary when every policy answers a request without Origin with it alone', () => {
    const policies = registry('https://a.example');
    expect(uniformNoOriginVary([record(one, policies.defaultHandle).policy], policies)).toBe(
      'Origin',
    );
  });

  it('is undefined when the policies disagree, CORS switched off included', () => {
    const policies = registry('https://a.example');
    expect(uniformNoOriginVary([record(one, null).policy], policies)).toBeUndefined();
  });

  it("is undefined when a '*' policy answers a request without Origin with a header", () => {
    const policies = new CorsPolicyRegistry({ origin: '*' }, QUIET);
    expect(
      uniformNoOriginVary([record(one, policies.defaultHandle).policy], policies),
    ).toBeUndefined();
  });
});

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
    const handlers = new HandlerPolicies();
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
    const handlers = new HandlerPolicies();
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
