import { describeCasesOnEachPlatform } from './describe-cases';
import { ACAO, NOTHING_APPROVED, get, preflight, withHeaders, type Case } from './cases';
import {
  VERSION_HEADER,
  VersioningHeaderAppModule,
  setUpHeaderVersioning,
} from './fixtures/versioning-header-app';
import { APP, SHARED, V1, V2 } from './fixtures/origins';

const version = (v: string) => ({ [VERSION_HEADER]: v });
const approves = (origin: string, status: number, body?: string) => ({
  status,
  body,
  headers: { [ACAO]: origin },
});

const VERSIONING_HEADER_CASES: readonly Case[] = [
  // Actual requests carry the version: each gets its version's exact policy.
  {
    name: 'GET /items, version 1: the version 1 policy',
    request: withHeaders(get('/items', V1), version('1')),
    expected: approves(V1, 200, 'items v1'),
  },
  {
    name: "GET /items, version 1: version 2's origin is refused",
    request: withHeaders(get('/items', V2), version('1')),
    expected: { status: 200, body: 'items v1', headers: NOTHING_APPROVED },
  },
  {
    name: 'GET /items, version 2: the version 2 policy',
    request: withHeaders(get('/items', V2), version('2')),
    expected: approves(V2, 200, 'items v2'),
  },
  {
    name: "GET /items, version 2: version 1's origin is refused",
    request: withHeaders(get('/items', V1), version('2')),
    expected: { status: 200, body: 'items v2', headers: NOTHING_APPROVED },
  },
  {
    name: "GET /items, version 2: the module default's origin is refused",
    request: withHeaders(get('/items', APP), version('2')),
    expected: { status: 200, body: 'items v2', headers: NOTHING_APPROVED },
  },
  {
    name: 'PUT /items/:id, version 2: the version 2 policy',
    request: withHeaders(
      { method: 'PUT', path: '/items/7', headers: { origin: V2 } },
      version('2'),
    ),
    expected: approves(V2, 200, 'updated 7 v2'),
  },
  {
    name: 'PUT /items/:id, version 1: the version 1 policy',
    request: withHeaders(
      { method: 'PUT', path: '/items/7', headers: { origin: V1 } },
      version('1'),
    ),
    expected: approves(V1, 200, 'updated 7 v1'),
  },
  {
    // The body parser fails before any guard runs: only the request hook has written headers.
    name: "a 400 for a malformed body, before the handler is known, still carries the version's policy",
    request: withHeaders(
      {
        method: 'PUT',
        path: '/items/7',
        headers: { origin: V2, 'content-type': 'application/json' },
        body: '{"broken',
      },
      version('2'),
    ),
    expected: approves(V2, 400),
  },
  {
    name: 'a version no controller serves: 404 with the module default',
    request: withHeaders(get('/items', APP), version('3')),
    expected: approves(APP, 404),
  },
  // Preflights cannot carry the version: the two policies differ, so the module default answers.
  {
    name: 'preflight for GET /items (policies differ): the module default',
    request: preflight('/items', APP, 'GET'),
    expected: approves(APP, 204),
  },
  {
    name: 'preflight for GET /items (policies differ): the version 1 origin is not approved',
    request: preflight('/items', V1, 'GET'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'preflight for PUT /items/:id (policies differ): the version 2 origin is not approved',
    request: preflight('/items/7', V2, 'PUT', 'x-api-version'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'preflight for PUT /items/:id (policies differ): the module default',
    request: preflight('/items/7', APP, 'PUT', 'x-api-version'),
    expected: approves(APP, 204),
  },
  // Both versions with one policy: the preflight gets it.
  {
    name: 'preflight for GET /shared (one named policy on both versions): that policy',
    request: preflight('/shared', SHARED, 'GET', 'x-api-version'),
    expected: approves(SHARED, 204),
  },
  {
    name: 'preflight for GET /shared: not the module default',
    request: preflight('/shared', APP, 'GET'),
    expected: { status: 204, headers: NOTHING_APPROVED },
  },
  {
    name: 'GET /shared, version 2: the shared policy',
    request: withHeaders(get('/shared', SHARED), version('2')),
    expected: approves(SHARED, 200, 'shared v2'),
  },
  {
    name: 'preflight for GET /same (the same fields declared on both versions): that policy',
    request: preflight('/same', SHARED, 'GET'),
    expected: approves(SHARED, 204),
  },
];

describeCasesOnEachPlatform(
  'header versioning',
  { module: VersioningHeaderAppModule, setUp: setUpHeaderVersioning },
  VERSIONING_HEADER_CASES,
);
