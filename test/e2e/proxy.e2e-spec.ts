import type { Server } from 'node:net';
import { ACAO, NOTHING_APPROVED, expectResponse, type Expected } from './cases';
import { API_HOST, EnforcedHostAppModule } from './fixtures/host-app';
import { APP, EVIL, HOSTED } from './fixtures/origins';
import { PLATFORMS, startApp, trustLoopback, type TestApp } from './platforms';
import { describeWithNginx, startNginx, type Nginx } from './support/nginx';
import { RawHttpClient, portOf } from './support/raw-http';

/*
 * Behind a real nginx, on both platforms, with `enforce: true` and a host-bound controller.
 *
 * The rule asserted: a request is same-origin when its Origin's scheme, host and port are the
 * request's own as the platform reports them (`request.protocol` and `request.host`, Express's
 * `req.protocol` and `req.host`): the connection's scheme and the Host header (`:authority` on
 * HTTP/2) without trust proxy; `X-Forwarded-Proto` and `X-Forwarded-Host` from a trusted proxy.
 * So behind a proxy the application must be told the host and port the browser used, by
 * `Host: $http_host`, or by `X-Forwarded-Host: $host:$server_port` (and `-Proto`) with trust proxy;
 * told less (nginx's default `Host: $proxy_host`), it cannot tell a same-origin request without
 * `Sec-Fetch-Site` from a cross-origin one, and refuses it. A client's own `X-Forwarded-*` headers
 * count for nothing without trust proxy. The host-bound controller is the one Nest picks by the
 * same host, and its policy applies wherever Nest runs its handler.
 */

interface Variant {
  readonly name: string;
  /** In nginx's `location /`, after `proxy_pass`. */
  readonly directives: readonly string[];
  readonly trustProxy: boolean;
  /** Whether the application learns the host and port the browser used. */
  readonly knowsBrowserHost: boolean;
}

const VARIANTS: readonly Variant[] = [
  {
    name: "nginx's defaults (Host: $proxy_host), trust proxy off",
    directives: [],
    trustProxy: false,
    knowsBrowserHost: false,
  },
  {
    name: 'Host: $http_host, trust proxy off',
    directives: ['proxy_set_header Host $http_host;'],
    trustProxy: false,
    knowsBrowserHost: true,
  },
  {
    name: 'Host: $host, X-Forwarded-Host: $host:$server_port, X-Forwarded-Proto: $scheme, trust proxy on',
    directives: [
      'proxy_set_header Host $host;',
      'proxy_set_header X-Forwarded-Host $host:$server_port;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
    ],
    trustProxy: true,
    knowsBrowserHost: true,
  },
  {
    name: 'X-Forwarded-Host and X-Forwarded-Proto alone (Host: $proxy_host), trust proxy on',
    directives: [
      'proxy_set_header X-Forwarded-Host $host:$server_port;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
    ],
    trustProxy: true,
    knowsBrowserHost: true,
  },
];

/** The browser's view: the page's origin is `http://<host>:<nginx port>`. */
interface ProxyCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  /** The host the browser sent the request to (nginx's port is added). */
  readonly host: string;
  /** The Origin, `{port}` standing for nginx's. */
  readonly origin: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** When the application knows the browser's host and port; else `upstream`, when given. */
  readonly expected: Expected;
  readonly upstream?: Expected;
}

const served = (status: number, body: string): Expected => ({
  status,
  body,
  headers: NOTHING_APPROVED,
});
const approves = (origin: string, status: number, body?: string): Expected => ({
  status,
  body,
  headers: { [ACAO]: origin },
});
const FORBIDDEN = { status: 403, headers: NOTHING_APPROVED };
/**
 * Nest runs no handler for `/where` on another host: 404 (500 on Nest 11.0's Fastify), under the
 * module default, which refuses HOSTED.
 */
const NO_ROUTE: Expected = { headers: NOTHING_APPROVED };
/** The same, for the module default's own origin. */
const NO_ROUTE_DEFAULT: Expected = { headers: { [ACAO]: APP } };
const SELF = `http://${API_HOST}:{port}`;

const PROXY_CASES: readonly ProxyCase[] = [
  {
    name: "host-bound controller: its policy's origin",
    method: 'GET',
    path: '/where',
    host: API_HOST,
    origin: HOSTED,
    expected: approves(HOSTED, 200, 'api host'),
    upstream: NO_ROUTE,
  },
  {
    name: "host-bound controller: the module default's origin is refused (403)",
    method: 'GET',
    path: '/where',
    host: API_HOST,
    origin: APP,
    expected: FORBIDDEN,
    upstream: NO_ROUTE_DEFAULT,
  },
  {
    name: 'same-origin POST without Sec-Fetch-Site',
    method: 'POST',
    path: '/orders',
    host: API_HOST,
    origin: SELF,
    expected: served(201, 'created'),
    upstream: FORBIDDEN,
  },
  {
    name: 'same-origin POST without Sec-Fetch-Site, to the host-bound controller',
    method: 'POST',
    path: '/where',
    host: API_HOST,
    origin: SELF,
    expected: served(201, 'api host created'),
    upstream: NO_ROUTE,
  },
  {
    name: 'same-origin POST with Sec-Fetch-Site: same-origin',
    method: 'POST',
    path: '/orders',
    host: API_HOST,
    origin: SELF,
    headers: { 'sec-fetch-site': 'same-origin' },
    expected: served(201, 'created'),
  },
  {
    name: 'the same host and port on https is another origin (the request came over http): 403',
    method: 'POST',
    path: '/orders',
    host: API_HOST,
    origin: `https://${API_HOST}:{port}`,
    expected: FORBIDDEN,
  },
  {
    name: "the same host without nginx's port is another origin: 403",
    method: 'POST',
    path: '/orders',
    host: API_HOST,
    origin: `http://${API_HOST}`,
    expected: FORBIDDEN,
  },
  {
    name: "a client's X-Forwarded-Host and -Proto naming its own Origin do not make it same-origin",
    method: 'POST',
    path: '/orders',
    host: API_HOST,
    origin: 'https://evil.example',
    headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    expected: FORBIDDEN,
  },
  {
    name: "a client's X-Forwarded-Host with nginx's port does not make it same-origin",
    method: 'POST',
    path: '/orders',
    host: API_HOST,
    origin: 'http://evil.example:{port}',
    headers: { 'x-forwarded-host': 'evil.example:{port}' },
    expected: FORBIDDEN,
  },
  {
    name: "a client's X-Forwarded-Host does not select the host-bound controller's policy",
    method: 'GET',
    path: '/where',
    host: 'other.example.com',
    origin: HOSTED,
    headers: { 'x-forwarded-host': API_HOST },
    expected: NO_ROUTE,
  },
  {
    name: "a client's X-Forwarded-Host: the module default answers, as Nest found no route",
    method: 'GET',
    path: '/where',
    host: 'other.example.com',
    origin: APP,
    headers: { 'x-forwarded-host': API_HOST },
    expected: NO_ROUTE_DEFAULT,
  },
  {
    name: 'a cross-origin request from an unknown origin is refused (403)',
    method: 'POST',
    path: '/orders',
    host: API_HOST,
    origin: EVIL,
    expected: FORBIDDEN,
  },
];

describeWithNginx('behind nginx', () => {
  describe.each(PLATFORMS)('on %s', (platform) => {
    describe.each(VARIANTS.map((v) => [v.name, v] as const))('%s', (_name, variant) => {
      let app: TestApp;
      let nginx: Nginx | undefined;
      let client: RawHttpClient;
      beforeAll(async () => {
        const trust = variant.trustProxy ? trustLoopback(platform) : undefined;
        app = await startApp(
          platform,
          EnforcedHostAppModule,
          trust?.setUp,
          {},
          trust?.fastifyOptions,
        );
        await app.app.listen(0, '127.0.0.1');
        nginx = await startNginx(portOf(app.app.getHttpServer() as Server), [
          'proxy_http_version 1.1;',
          ...variant.directives,
        ]);
        client = new RawHttpClient(nginx.port, 1);
      });
      afterAll(async () => {
        client?.close();
        await nginx?.stop();
        await app?.close();
      });

      it.each(PROXY_CASES.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
        const port = String(nginx!.port);
        const fill = (value: string) => value.replaceAll('{port}', port);
        const headers: Record<string, string> = {
          host: `${c.host}:${port}`,
          origin: fill(c.origin),
        };
        for (const [name, value] of Object.entries(c.headers ?? {})) headers[name] = fill(value);
        const received = await client.send({ method: c.method, target: c.path, headers });
        expect(received.error).toBeUndefined();
        expectResponse(
          received,
          variant.knowsBrowserHost ? c.expected : (c.upstream ?? c.expected),
        );
      });
    });
  });
});
