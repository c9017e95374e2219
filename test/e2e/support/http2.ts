import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, constants, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DynamicModule, INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { expectResponse, expectedOn, type Case } from '../cases';
import type { CasesApp } from '../describe-cases';
import type { FastifyAdapterOptions, Received, SentRequest, TestApp } from '../platforms';

/** A private key and its self-signed certificate, PEM. */
export interface Certificate {
  readonly key: string;
  readonly cert: string;
}

let certificate: Promise<Certificate> | undefined;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made once per test process with the
 * openssl CLI (no certificate is kept in the repository). Clients skip its verification.
 */
export function makeSelfSignedCertificate(): Promise<Certificate> {
  certificate ??= makeCertificate();
  return certificate;
}

async function makeCertificate(): Promise<Certificate> {
  const dir = await mkdtemp(join(tmpdir(), 'nestjs-cors-tls-'));
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]).catch((error: NodeJS.ErrnoException) => {
      throw new Error(
        error.code === 'ENOENT'
          ? 'The HTTP/2 tests make a self-signed certificate with the openssl CLI, which is not on the PATH: apt-get install -y openssl'
          : `openssl could not make a self-signed certificate: ${error.message}`,
      );
    });
    const [key, cert] = await Promise.all([
      readFile(join(dir, 'key.pem'), 'utf8'),
      readFile(join(dir, 'cert.pem'), 'utf8'),
    ]);
    return { key, cert };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An HTTP/2 connection to `origin` (`https://127.0.0.1:<port>`) that accepts the test certificate. */
export function http2Connect(origin: string): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = connect(origin, { rejectUnauthorized: false });
    session.once('connect', () => {
      session.off('error', reject);
      // A stream's failure is reported by its request; the session's own errors end it quietly.
      session.on('error', () => undefined);
      resolve(session);
    });
    session.once('error', reject);
  });
}

const TIMEOUT = 5000;

/**
 * Sends one request on an HTTP/2 session and reads the whole answer. A browser sends the host as
 * `:authority` and no `Host` header, so a `host` in `sent.headers` becomes `:authority` (the
 * session's origin otherwise).
 */
export function http2Request(session: ClientHttp2Session, sent: SentRequest): Promise<Received> {
  const { host, ...headers } = sent.headers ?? {};
  const outgoing: OutgoingHttpHeaders = {
    ...headers,
    [constants.HTTP2_HEADER_METHOD]: sent.method,
    [constants.HTTP2_HEADER_PATH]: sent.path,
  };
  if (host !== undefined) outgoing[constants.HTTP2_HEADER_AUTHORITY] = host;
  return new Promise((resolve, reject) => {
    const stream = session.request(outgoing, { endStream: sent.body === undefined });
    stream.setTimeout(TIMEOUT, () => stream.close(constants.NGHTTP2_CANCEL));
    const chunks: Buffer[] = [];
    let received: Record<string, string | undefined> = {};
    let status = 0;
    stream.once('response', (responseHeaders) => {
      status = Number(responseHeaders[constants.HTTP2_HEADER_STATUS]);
      received = flatHeaders(responseHeaders);
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () =>
      resolve({ status, headers: received, body: Buffer.concat(chunks).toString('utf8') }),
    );
    stream.once('close', () => {
      if (status === 0)
        reject(new Error(`HTTP/2 stream closed without an answer (code ${stream.rstCode})`));
    });
    stream.once('error', reject);
    if (sent.body !== undefined) stream.end(sent.body);
  });
}

/** Response headers as `Received` has them: lower case, pseudo-headers left out, lists joined. */
function flatHeaders(
  headers: Readonly<Record<string, string | string[] | number | undefined>>,
): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

/** An application served over HTTP/2 with TLS, listening on 127.0.0.1. */
export interface Http2TestApp extends TestApp {
  /** `https://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly port: number;
}

/**
 * Boots `rootModule` on Fastify with `http2: true` and TLS (HTTP/1.1 allowed on the same port, as
 * deployments do for clients without HTTP/2, and for WebSocket upgrades), the way `startApp` boots
 * it otherwise, and listens on a free port of 127.0.0.1. `send()` goes over one HTTP/2 session,
 * opened again if the server ended it.
 */
export async function startHttp2App(
  rootModule: Type | DynamicModule,
  setUp: (app: INestApplication) => void = () => undefined,
  options: NestApplicationOptions = {},
  fastifyOptions: FastifyAdapterOptions = {},
): Promise<Http2TestApp> {
  const { key, cert } = await makeSelfSignedCertificate();
  // Cast: FastifyAdapter's constructor overloads take the HTTP/2 options, its parameter type does not.
  const adapter = new FastifyAdapter({
    ...fastifyOptions,
    http2: true,
    https: { key, cert, allowHTTP1: true },
  } as unknown as FastifyAdapterOptions);
  const app = (
    await Test.createTestingModule({ imports: [rootModule] }).compile()
  ).createNestApplication(adapter, { logger: false, ...options });
  setUp(app);
  try {
    await app.init();
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  const origin = `https://127.0.0.1:${port}`;
  let session: Promise<ClientHttp2Session> | undefined;
  // Chained, so that concurrent sends share one session; a new one once the server ended it.
  const open = () =>
    (session =
      session?.then(
        (current) => (current.closed || current.destroyed ? http2Connect(origin) : current),
        () => http2Connect(origin),
      ) ?? http2Connect(origin));
  return {
    app,
    origin,
    port,
    send: async (sent) => http2Request(await open(), sent),
    async close() {
      const current = await session?.catch(() => undefined);
      if (current !== undefined && !current.destroyed)
        await new Promise<void>((resolve) => current.close(resolve));
      await app.close();
    },
  };
}

/**
 * Runs a table of cases against the application on Fastify over HTTP/2, as
 * `describeCasesOnEachPlatform` runs it on each platform over HTTP/1.1: each case expects what it
 * expects on Fastify. `overHttp2` rewrites the cases it names (by name) where HTTP/2 changes them,
 * such as the scheme of the server's own origin; an entry that names no case is an error.
 */
export function describeCasesOverHttp2<C extends Case>(
  title: string,
  { module, setUp }: CasesApp,
  cases: readonly C[],
  check?: (received: Received, c: C) => void,
  beforeEachCase?: () => void,
  overHttp2: Readonly<Record<string, Partial<Case>>> = {},
): void {
  describe(`${title} on fastify over HTTP/2`, () => {
    const unknown = Object.keys(overHttp2).filter((name) => !cases.some((c) => c.name === name));
    if (unknown.length > 0)
      throw new Error(`overHttp2 names no case of "${title}": ${unknown.join('; ')}`);
    let app: Http2TestApp;
    beforeAll(async () => {
      app = await startHttp2App(typeof module === 'function' ? module : module.fastify, setUp);
    });
    afterAll(() => app?.close());
    if (beforeEachCase !== undefined) beforeEach(beforeEachCase);

    it.each(cases.map((c) => [c.name, { ...c, ...overHttp2[c.name] }] as const))(
      '%s',
      async (_name, c) => {
        const received = await app.send(c.request);
        expectResponse(received, expectedOn('fastify', c));
        check?.(received, c);
      },
    );
  });
}
