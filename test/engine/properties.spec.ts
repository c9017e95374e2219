import fc from 'fast-check';
import {
  compilePolicy,
  decideActual,
  decidePreflight,
  type CompiledCorsPolicy,
  type CorsDecision,
} from '../../lib/engine/public-api';

/**
 * Invariants that must hold whatever a client sends. The allowed set is small and known, so for any
 * generated origin the expected answer is computed independently of the engine.
 */
const ALLOWED_EXACT = ['https://foo.com', 'https://bar.com', 'http://localhost:3000'];
const policy = compilePolicy({
  origin: [...ALLOWED_EXACT, 'https://*.example.com', 'http://127.0.0.1:*'],
  credentials: true,
  exposedHeaders: ['X-Total'],
  allowedHeaders: ['X-Token'],
  methods: ['PUT'],
});

/** The specification, written without the engine's code: what the policy above allows. */
function isAllowedBySpecification(origin: string): boolean {
  if (ALLOWED_EXACT.includes(origin)) return true;
  const subdomain = /^https:\/\/((?:[a-z0-9_-]{1,63}\.)+)example\.com$/.exec(origin);
  if (subdomain !== null) return true;
  return /^http:\/\/127\.0\.0\.1(?::(?:0|[1-9][0-9]{0,4}))?$/.test(origin) && portInRange(origin);
}

function portInRange(origin: string): boolean {
  const port = /:(\d+)$/.exec(origin.slice('http://'.length));
  return port === null || (Number(port[1]) <= 65535 && Number(port[1]) !== 80);
}

const APPROVING = new Set([
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
  'Access-Control-Expose-Headers',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Max-Age',
  'Access-Control-Allow-Private-Network',
]);

function sync(decision: CorsDecision | Promise<CorsDecision>): CorsDecision {
  if (decision instanceof Promise) throw new Error('expected a synchronous decision');
  return decision;
}

/** Origins built near the allowed ones: case, ports, dots, unicode, prefixes and suffixes. */
const nearOrigin: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ALLOWED_EXACT, 'https://app.example.com', 'http://127.0.0.1:8080', 'null', ''),
  fc
    .tuple(
      fc.constantFrom('https://', 'http://', 'HTTPS://', 'https:/', 'ws://', ''),
      fc.constantFrom(
        '',
        'a.',
        'www.',
        'evil',
        'evil.',
        'foo.com.',
        '.',
        'ＡＰＰ.',
        'xn--80ak6aa92e.',
        'a..',
      ),
      fc.constantFrom(
        'foo.com',
        'bar.com',
        'example.com',
        'EXAMPLE.com',
        'example.com.evil.com',
        'localhost',
        '127.0.0.1',
        'barfoo.com',
        'éxample.com',
      ),
      fc.constantFrom(
        '',
        ':3000',
        ':443',
        ':80',
        ':0',
        ':65536',
        ':',
        ':*',
        '/',
        '/path',
        '.',
        ' ',
        ',https://foo.com',
        '\r\nX: 1',
        '%00',
      ),
    )
    .map(([scheme, prefix, host, suffix]) => `${scheme}${prefix}${host}${suffix}`),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

describe('engine invariants', () => {
  it('gives an approving header to an origin if and only if the policy allows it', () => {
    fc.assert(
      fc.property(nearOrigin, (origin) => {
        const decision = sync(decideActual(policy, origin));
        const approving = decision.headers.filter(([name]) => APPROVING.has(name));
        if (isAllowedBySpecification(origin)) {
          expect(decision.allowed).toBe(true);
          expect(decision.headers[0]).toEqual(['Access-Control-Allow-Origin', origin]);
        } else {
          expect(decision.allowed).toBe(false);
          expect(approving).toEqual([]);
        }
        expect(decision.vary).toBe('Origin');
      }),
      { numRuns: 5000 },
    );
  });

  it('never lets a preflight from a disallowed origin, method or header through', () => {
    fc.assert(
      fc.property(
        nearOrigin,
        fc.oneof(
          fc.constantFrom('PUT', 'put', 'DELETE', 'GET', 'PURGE', ''),
          fc.string({ maxLength: 20 }),
        ),
        fc.oneof(
          fc.constantFrom(undefined, '', 'x-token', 'X-Token', 'x-token,x-other', 'authorization'),
          fc.string({ maxLength: 60 }),
          // Padded and split lists, as a proxy that joins header lines makes them.
          fc
            .array(fc.constantFrom('x-token', 'X-Token', '', ' ', '\t', ' x-token ', 'x-other'), {
              maxLength: 8,
            })
            .map((parts) => parts.join(',')),
        ),
        (origin, method, headers) => {
          const decision = sync(decidePreflight(policy, { origin, method, headers }));
          const methodOk = ['PUT', 'GET', 'HEAD', 'POST'].includes(method);
          // RFC 9110 section 5.6.1: empty elements and whitespace around elements do not count.
          const headersOk =
            headers === undefined ||
            headers
              .split(',')
              .map((element) => element.replace(/^[ \t]+|[ \t]+$/g, ''))
              .every((element) => element === '' || /^x-token$/i.test(element));
          expect(decision.allowed).toBe(isAllowedBySpecification(origin) && methodOk && headersOk);
          if (!decision.allowed) expect(decision.headers).toEqual([]);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('never throws and never puts a line break or a non-ASCII character into a header', () => {
    const policies: CompiledCorsPolicy[] = [
      policy,
      compilePolicy({ origin: true }),
      compilePolicy({ origin: '*', allowedHeaders: '*', methods: '*' }),
      compilePolicy({
        origin: /.*/,
        credentials: true,
        dangerouslyAllowPermissiveRegexWithCredentials: true,
        allowedHeaders: '*',
        methods: '*',
      }),
      compilePolicy({ origin: 'https://foo.com' }),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...policies),
        fc.option(fc.string({ unit: 'binary', maxLength: 300 }), { nil: undefined }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.option(fc.string({ unit: 'binary', maxLength: 300 }), { nil: undefined }),
        fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
        (compiled, origin, method, headers, privateNetwork) => {
          const decisions = [sync(decideActual(compiled, origin))];
          if (origin !== undefined) {
            decisions.push(
              sync(decidePreflight(compiled, { origin, method, headers, privateNetwork })),
            );
          }
          for (const decision of decisions) {
            for (const [, value] of decision.headers) expect(value).toMatch(/^[\x20-\x7e]*$/);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('decides the same way every time for the same input', () => {
    const regexPolicy = compilePolicy({
      origin: [/https:\/\/[a-z]+\.example\.com/g, 'https://foo.com'],
    });
    fc.assert(
      fc.property(fc.constantFrom(policy, regexPolicy), nearOrigin, (compiled, origin) => {
        const first = sync(decideActual(compiled, origin));
        const second = sync(decideActual(compiled, origin));
        const third = sync(decidePreflight(compiled, { origin, method: 'PUT' }));
        const fourth = sync(decidePreflight(compiled, { origin, method: 'PUT' }));
        expect(second).toEqual(first);
        expect(fourth).toEqual(third);
      }),
      { numRuns: 3000 },
    );
  });
});
