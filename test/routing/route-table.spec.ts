import type { IncomingMessage } from 'node:http';
import { VERSION_NEUTRAL, type Type } from '@nestjs/common';
import { compilePolicy } from '../../lib';
import {
  DYNAMIC_PATH_CACHE_SIZE,
  RouteTable,
  type RouteMatching,
} from '../../lib/routing/route-table';
import type { RouteRecord } from '../../lib/routing/route-record';

const DEFAULT = compilePolicy({ origin: 'https://default.example' });
const A = compilePolicy({ origin: 'https://a.example' });
const B = compilePolicy({ origin: 'https://b.example' });
const C = compilePolicy({ origin: 'https://c.example' });
const EXPRESS: RouteMatching = {
  caseSensitive: false,
  ignoreTrailingSlash: true,
  precedence: 'registration',
};
const FASTIFY: RouteMatching = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  precedence: 'static-first',
};

class SomeController {}

function route(
  method: string,
  path: string,
  policy: RouteRecord['policy'],
  extra: Partial<RouteRecord> = {},
): RouteRecord {
  return {
    method,
    path,
    hosts: undefined,
    versions: undefined,
    controller: SomeController as Type,
    methodName: `${method} ${path}`,
    handler: {},
    policy,
    ...extra,
  };
}

function requestWith(headers: Record<string, string> = {}): IncomingMessage {
  return { headers } as IncomingMessage;
}

describe('RouteTable', () => {
  const records = [
    route('GET', '/items', A),
    route('GET', '/items/catalog', C),
    route('PUT', '/items/:id', A),
    route('DELETE', '/items/:id', B),
    route('POST', '/items/internal', null),
    route('ALL', '/any', B),
  ];
  const table = new RouteTable(records, DEFAULT, EXPRESS, undefined);
  const policyFor = (method: string, url: string) => table.policyFor(method, url, requestWith());

  it('resolves static paths, ignoring the query', () => {
    expect(policyFor('GET', '/items?page=2')).toBe(A);
    expect(policyFor('GET', '/items/catalog')).toBe(C);
  });

  it('serves HEAD with the GET route', () => {
    expect(policyFor('HEAD', '/items')).toBe(A);
  });

  it('gives each method on one dynamic path its own handler', () => {
    expect(policyFor('PUT', '/items/42')).toBe(A);
    expect(policyFor('DELETE', '/items/42')).toBe(B);
  });

  it('lets a dynamic route serve a method the static path lacks', () => {
    expect(policyFor('PUT', '/items/catalog')).toBe(A);
  });

  it('says null for CORS switched off, and the default for no route', () => {
    expect(policyFor('POST', '/items/internal')).toBeNull();
    expect(policyFor('PATCH', '/items/42')).toBe(DEFAULT);
    expect(policyFor('GET', '/nowhere')).toBe(DEFAULT);
  });

  it('serves every method of an @All() route', () => {
    expect(policyFor('PATCH', '/any')).toBe(B);
    expect(policyFor('SEARCH', '/any')).toBe(B);
  });

  it('lets an earlier @All() route serve a method that a later route declares too', () => {
    const mixed = new RouteTable(
      [route('ALL', '/mixed', B), route('GET', '/mixed', A)],
      DEFAULT,
      EXPRESS,
      undefined,
    );
    expect(mixed.policyFor('GET', '/mixed', requestWith())).toBe(B);
    expect(mixed.policyFor('POST', '/mixed', requestWith())).toBe(B);
  });

  it("follows Express's case-insensitive, trailing-slash-tolerant matching", () => {
    expect(policyFor('GET', '/ITEMS/')).toBe(A);
    expect(policyFor('PUT', '/Items/42/')).toBe(A);
  });

  it("follows Fastify's exact matching", () => {
    const fastify = new RouteTable(records, DEFAULT, FASTIFY, undefined);
    expect(fastify.policyFor('GET', '/ITEMS', requestWith())).toBe(DEFAULT);
    expect(fastify.policyFor('GET', '/items/', requestWith())).toBe(DEFAULT);
    expect(fastify.policyFor('PUT', '/Items/42', requestWith())).toBe(DEFAULT);
    expect(fastify.policyFor('PUT', '/items/42', requestWith())).toBe(A);
  });

  it("picks, among routes matching one path, the one the platform's router picks", () => {
    const declaredParamFirst = [route('GET', '/things/:id', A), route('GET', '/things/latest', B)];
    const express = new RouteTable(declaredParamFirst, DEFAULT, EXPRESS, undefined);
    const fastify = new RouteTable(declaredParamFirst, DEFAULT, FASTIFY, undefined);
    expect(express.policyFor('GET', '/things/latest', requestWith())).toBe(A);
    expect(fastify.policyFor('GET', '/things/latest', requestWith())).toBe(B);
    expect(express.policyFor('GET', '/things/7', requestWith())).toBe(A);
  });

  it('remembers a bounded number of dynamic paths, whatever URLs clients send', () => {
    const bounded = new RouteTable(records, DEFAULT, EXPRESS, undefined);
    for (let i = 0; i < DYNAMIC_PATH_CACHE_SIZE * 3; i++) {
      expect(bounded.policyFor('PUT', `/items/${i}`, requestWith())).toBe(A);
    }
    expect(bounded.cachedDynamicPaths).toBe(DYNAMIC_PATH_CACHE_SIZE);
  });

  it('resolves host-bound routes with the Host header', () => {
    const hosted = new RouteTable(
      [route('GET', '/hosted', A, { hosts: [/^partner\.example$/] }), route('GET', '/hosted', B)],
      DEFAULT,
      EXPRESS,
      undefined,
    );
    expect(hosted.policyFor('GET', '/hosted', requestWith({ host: 'partner.example:3000' }))).toBe(
      A,
    );
    expect(hosted.policyFor('GET', '/hosted', requestWith({ host: 'other.example' }))).toBe(B);
  });

  describe('versions outside the path', () => {
    const versioned = [
      route('PUT', '/things', A, { versions: ['1'] }),
      route('PUT', '/things', B, { versions: ['2'] }),
      route('PUT', '/same', C, { versions: ['1'] }),
      route('PUT', '/same', C, { versions: ['2'] }),
      route('PUT', '/neutral', A, { versions: [VERSION_NEUTRAL] }),
    ];
    const readVersion = (request: IncomingMessage) =>
      request.headers['x-api-version'] as string | undefined;
    const table = new RouteTable(versioned, DEFAULT, EXPRESS, readVersion);

    it('choose by the version the request shows', () => {
      expect(table.policyFor('PUT', '/things', requestWith({ 'x-api-version': '1' }))).toBe(A);
      expect(table.policyFor('PUT', '/things', requestWith({ 'x-api-version': '2' }))).toBe(B);
      expect(table.policyFor('PUT', '/neutral', requestWith({ 'x-api-version': '7' }))).toBe(A);
    });

    it('fall back to the default when the version is unknown and the policies differ', () => {
      expect(table.policyFor('PUT', '/things', requestWith())).toBe(DEFAULT);
    });

    it('use the shared policy when the version is unknown and all agree', () => {
      expect(table.policyFor('PUT', '/same', requestWith())).toBe(C);
    });
  });
});
