/**
 * Attacks on the policy report's question (`/_cors?origin=&method=&path=&headers=&credentials=`),
 * whose values become a preflight the application sends to itself: every parameter given a
 * generated hostile value (CR/LF and header lines, request smuggling, NUL and other controls,
 * spaces, non-ASCII and lone surrogates, invalid UTF-8 bytes, percent signs, very long values),
 * or given twice, empty or not at all, on both adapters. A finding is a status other than 200 or
 * 400, a 400 that does not name the parameter, a response header carrying CR/LF or one the
 * application never writes, or a request reaching the application with an injected header or a
 * smuggled request line.
 */
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { ADMIN } from '../e2e/fixtures/origins';
import { ReportAppModule } from '../e2e/fixtures/report-app';
import { startApp, type Platform, type TestApp } from '../e2e/platforms';
import { startHttp2App, type Http2TestApp } from '../e2e/support/http2';

const PARAMETERS = ['origin', 'method', 'path', 'headers', 'credentials', 'format'] as const;
type Parameter = (typeof PARAMETERS)[number];

/** A valid question, which each probe spoils in one parameter. */
const VALID: Readonly<Record<Parameter, string | undefined>> = {
  origin: ADMIN,
  method: 'PUT',
  path: '/items/1',
  headers: 'x-token',
  credentials: 'true',
  format: undefined,
};

const HOSTILE = [
  '\r\nX-Evil: 1',
  '\nX-Evil: 1',
  '\rX-Evil: 1',
  'a\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\nX-Evil: 1\r\n\r\n',
  '/items/1 HTTP/1.1\r\nX-Evil: 1\r\n\r\nGET /smuggled',
  '\0',
  '\t',
  ' ',
  '%',
  '%0d%0aX-Evil: 1',
  '☃',
  'é',
  '\u2028',
  '\ud800',
  '\udfff',
  '\u0085',
  '\u00ff',
  '\u0100',
  '*',
  ',',
  ', , ,',
  'x-a, x\u00e9',
  'null',
  '//127.0.0.1:1/x',
  'http://127.0.0.1/',
  '/../../etc/passwd',
  'a'.repeat(3000),
  ','.repeat(200),
  'x,'.repeat(300),
];

/** A value as a query carries it: any string (lone surrogates included), or raw bytes. */
const hostileValue = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc
    .tuple(fc.constantFrom(ADMIN, '/items/1', 'PUT', 'x-token'), fc.constantFrom(...HOSTILE))
    .map(([valid, hostile]) => `${valid}${hostile}`),
  fc.uint8Array({ maxLength: 24 }).map((bytes) => ({ bytes })),
);

type Value = string | { readonly bytes: Uint8Array };

interface Probe {
  readonly parameter: Parameter;
  readonly how: 'value' | 'twice' | 'empty' | 'absent';
  readonly value: Value;
}

const PROBES: readonly Probe[] = fc.sample(
  fc.record({
    parameter: fc.constantFrom(...PARAMETERS),
    how: fc.constantFrom('value', 'value', 'value', 'twice', 'empty', 'absent'),
    value: hostileValue,
  }),
  { numRuns: 250, seed: 1706 },
);

/** Every written-out hostile value in every parameter too. */
const EXHAUSTIVE: readonly Probe[] = PARAMETERS.flatMap((parameter) =>
  HOSTILE.map((value) => ({ parameter, how: 'value' as const, value })),
);

/** Percent-encodes every byte but the unreserved ones, so that the request line stays valid. */
function encode(value: Value): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.bytes);
  let encoded = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-._~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

function queryOf({ parameter, how, value }: Probe): string {
  const pairs: string[] = [];
  for (const name of PARAMETERS) {
    const valid = VALID[name];
    if (name !== parameter) {
      if (valid !== undefined) pairs.push(`${name}=${encode(valid)}`);
    } else if (how === 'value') pairs.push(`${name}=${encode(value)}`);
    else if (how === 'twice')
      pairs.push(`${name}=${encode(valid ?? 'json')}`, `${name}=${encode(value)}`);
    else if (how === 'empty') pairs.push(`${name}=`);
  }
  return pairs.join('&');
}

/** Headers the report's answers may carry: the platform's own, and the CORS hook's. */
const KNOWN_HEADERS = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'vary',
  'transfer-encoding',
  'x-powered-by',
  'etag',
]);

/** An answer as the checks read it: status, headers as sent (name, value), body. */
interface Answer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/** `GET path` over HTTP/1.1, reading the headers as they came on the wire. */
function get(port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, path, method: 'GET', headers: { connection: 'close' } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: pairsOf(response), body }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function pairsOf(response: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < response.rawHeaders.length; i += 2)
    pairs.push([response.rawHeaders[i]!, response.rawHeaders[i + 1]!]);
  return pairs;
}

/** @param answered the statuses this question may get. */
async function findingsOf(
  fetch: (path: string) => Promise<Answer>,
  probe: Probe,
  answered: ReadonlySet<number>,
): Promise<string[]> {
  const path = `/_cors?${queryOf(probe)}`;
  const what = `${probe.parameter} ${probe.how} ${path.slice(0, 200)}`;
  const { status, headers, body } = await fetch(path);
  const found: string[] = [];
  if (!answered.has(status)) found.push(`${what}: status ${status}`);
  for (const [name, value] of headers) {
    if (/[\r\n]/.test(name + value))
      found.push(`${what}: header ${JSON.stringify(name)} has CR/LF`);
    if (!KNOWN_HEADERS.has(name.toLowerCase())) found.push(`${what}: header ${name} was written`);
  }
  if (status === 400) {
    let error: unknown;
    try {
      error = (JSON.parse(body) as { error?: unknown }).error;
    } catch {
      error = undefined;
    }
    if (typeof error !== 'string' || !PARAMETERS.some((name) => error.startsWith(`${name} `)))
      found.push(`${what}: a 400 that names no parameter: ${body.slice(0, 200)}`);
  }
  return found;
}

describe.each(['express', 'fastify'] as Platform[])(
  'attack: the report question on %s',
  (platform) => {
    let app: TestApp;
    let port: number;
    /** Requests that reached the server with an injected header or a smuggled request line. */
    const injected: string[] = [];
    beforeAll(async () => {
      app = await startApp(platform, ReportAppModule);
      const server = app.app.getHttpServer() as Server;
      server.on('request', (request: IncomingMessage) => {
        if (
          request.headers['x-evil'] !== undefined ||
          request.url?.startsWith('/smuggled') === true
        )
          injected.push(`${request.method} ${request.url} ${JSON.stringify(request.headers)}`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => app.close());

    it('probes every parameter in every way', () => {
      for (const parameter of PARAMETERS)
        for (const how of ['value', 'twice', 'empty', 'absent'])
          expect(PROBES.some((probe) => probe.parameter === parameter && probe.how === how)).toBe(
            true,
          );
    });

    it('answers 200 or 400 naming the parameter, writes no header it should not, injects nothing', async () => {
      const findings: string[] = [];
      const fetch = (path: string) => get(port, path);
      for (const probe of [...EXHAUSTIVE, ...PROBES])
        findings.push(...(await findingsOf(fetch, probe, new Set([200, 400]))));
      expect(findings.slice(0, 10)).toEqual([]);
      expect(injected.slice(0, 10)).toEqual([]);
    });
  },
);

describe('attack: the report question on fastify over HTTP/2', () => {
  let app: Http2TestApp;
  /** The same application over HTTP/1.1: the reference for what each question gets. */
  let reference: TestApp;
  let referencePort: number;
  beforeAll(async () => {
    app = await startHttp2App(ReportAppModule);
    reference = await startApp('fastify', ReportAppModule);
    const server = reference.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    referencePort = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await reference?.close();
  });

  it('answers as over HTTP/1.1 (a question HTTP/1.1 answers may get 502), writes no header it should not', async () => {
    const findings: string[] = [];
    const fetch = async (path: string): Promise<Answer> => {
      const received = await app.send({ method: 'GET', path });
      const headers = Object.entries(received.headers).map(
        ([name, value]) => [name, value ?? ''] as const,
      );
      return { status: received.status, headers, body: received.body };
    };
    let refused = 0;
    for (const probe of [...EXHAUSTIVE, ...PROBES]) {
      const expected = (await get(referencePort, `/_cors?${queryOf(probe)}`)).status;
      if (expected === 400) refused++;
      // The report asks its own server over plain HTTP/1.1, which the TLS port does not answer:
      // 502 over HTTP/2 where HTTP/1.1 answers 200 (issue 20 makes it follow the page's scheme).
      const answered = new Set(expected === 200 ? [200, 502] : [expected]);
      findings.push(...(await findingsOf(fetch, probe, answered)));
    }
    expect(findings.slice(0, 10)).toEqual([]);
    expect(refused).toBeGreaterThan(50);
  });
});
