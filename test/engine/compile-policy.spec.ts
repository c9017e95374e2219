import { CorsConfigurationError, type CorsPolicyOptions } from '../../lib';
import { compilePolicy } from '../../lib/engine/public-api';
import { buildPolicy } from '../../lib/engine/build-policy';

/** Compiles `options` and returns the error it must throw. */
function configurationError(options: unknown, where?: string): CorsConfigurationError {
  try {
    compilePolicy(options as CorsPolicyOptions, where === undefined ? {} : { where });
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigurationError);
    return error as CorsConfigurationError;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be refused`);
}

describe('compilePolicy: configuration checks', () => {
  // [what, options, option named, words of the problem, words of the fix]
  const refused: [string, unknown, string, string, string][] = [
    [
      "'*' with credentials",
      { origin: '*', credentials: true },
      'origin',
      'credentials',
      'list the origins',
    ],
    [
      'reflect-all with credentials',
      { origin: true, credentials: true },
      'origin',
      'any website',
      'list the origins',
    ],
    [
      'a trailing slash',
      { origin: 'https://a.example.com/' },
      'origin',
      'trailing slash',
      'write "https://a.example.com"',
    ],
    [
      'a path',
      { origin: 'https://a.example.com/app' },
      'origin',
      'has a path',
      'write "https://a.example.com"',
    ],
    [
      'a query',
      { origin: 'https://a.example.com?x=1' },
      'origin',
      'has a query',
      'write "https://a.example.com"',
    ],
    [
      'a fragment',
      { origin: 'https://a.example.com#top' },
      'origin',
      'has a fragment',
      'write "https://a.example.com"',
    ],
    [
      'user info',
      { origin: 'https://me@a.example.com' },
      'origin',
      'user info',
      'write "https://a.example.com"',
    ],
    [
      'the default https port',
      { origin: 'https://a.example.com:443' },
      'origin',
      'default port 443',
      'write "https://a.example.com"',
    ],
    [
      'the default http port',
      { origin: 'http://localhost:80' },
      'origin',
      'default port 80',
      'write "http://localhost"',
    ],
    [
      "the string 'null'",
      { origin: 'null' },
      'origin',
      'sandboxed iframe',
      'dangerouslyAllowNullOrigin',
    ],
    [
      'no scheme',
      { origin: 'app.example.com' },
      'origin',
      'no scheme',
      '"https://app.example.com"',
    ],
    [
      'a wildcard over a TLD',
      { origin: 'https://*.com' },
      'origin',
      'anyone can register',
      'domain you control',
    ],
    [
      'a wildcard over co.uk',
      { origin: 'https://*.co.uk' },
      'origin',
      'anyone can register',
      'domain you control',
    ],
    [
      'a wildcard over github.io',
      { origin: 'https://*.github.io' },
      'origin',
      'anyone can register',
      'domain you control',
    ],
    [
      'a wildcard inside a label',
      { origin: 'https://*example.com' },
      'origin',
      'whole leftmost label',
      'https://*.example.com',
    ],
    [
      'a wildcard in the middle',
      { origin: 'https://a.*.example.com' },
      'origin',
      'whole leftmost label',
      'first label',
    ],
    [
      'a wildcard over an IP',
      { origin: 'https://*.0.0.1' },
      'origin',
      'IP address',
      'exact origins',
    ],
    [
      'an invalid port',
      { origin: 'https://a.example.com:99999' },
      'origin',
      'invalid port',
      '65535',
    ],
    [
      'a non-ASCII host',
      { origin: 'https://bücher.example' },
      'origin',
      'punycode',
      'xn--bcher-kva.example',
    ],
    ['whitespace', { origin: ' https://a.example.com' }, 'origin', 'whitespace', 'origin alone'],
    [
      'plain http with credentials',
      { origin: 'http://app.example.com', credentials: true },
      'origin',
      'impersonate',
      'dangerouslyAllowInsecureOriginsWithCredentials',
    ],
    [
      "'*' inside a list",
      { origin: ['https://a.example.com', '*'] },
      'origin[1]',
      'every origin',
      'origin: "*" alone',
    ],
    [
      'a number as origin',
      { origin: 42 },
      'origin',
      'not an origin string',
      'https://app.example.com',
    ],
    [
      'a header name that is not a token',
      { allowedHeaders: ['X Token'] },
      'allowedHeaders',
      'not a valid header name',
      'X-Request-Id',
    ],
    [
      'Connection',
      { allowedHeaders: ['Connection'] },
      'allowedHeaders',
      'can never set',
      'remove it',
    ],
    [
      'a Sec- header',
      { allowedHeaders: ['Sec-Fetch-Mode'] },
      'allowedHeaders',
      'can never set',
      'remove it',
    ],
    [
      'a Proxy- header',
      { allowedHeaders: ['Proxy-Authorization'] },
      'allowedHeaders',
      'can never set',
      'remove it',
    ],
    [
      'an Access-Control- header',
      { allowedHeaders: ['Access-Control-Allow-Origin'] },
      'allowedHeaders',
      'can never set',
      'remove it',
    ],
    ['CONNECT', { methods: ['CONNECT'] }, 'methods', 'never let a page send', 'remove it'],
    ['TRACE', { methods: 'GET,trace' }, 'methods', 'never let a page send', 'remove it'],
    ['TRACK', { methods: ['TRACK'] }, 'methods', 'never let a page send', 'remove it'],
    [
      'a method that is not a token',
      { methods: ['GE T'] },
      'methods',
      'not a valid HTTP method',
      'PUT',
    ],
    [
      'exposing Set-Cookie',
      { exposedHeaders: ['Set-Cookie'] },
      'exposedHeaders',
      'never let a page read',
      'remove it',
    ],
    [
      'exposing an Access-Control- header',
      { exposedHeaders: ['Access-Control-Allow-Origin'] },
      'exposedHeaders',
      'never let a page read',
      'remove it',
    ],
    [
      "exposing '*' with credentials",
      { origin: 'https://a.example.com', credentials: true, exposedHeaders: '*' },
      'exposedHeaders',
      'header named "*"',
      'list the headers',
    ],
    ['maxAge below -1', { maxAge: -2 }, 'maxAge', 'from -1 to 86400', 'maxAge: 600'],
    ['maxAge above 86400', { maxAge: 86401 }, 'maxAge', 'from -1 to 86400', 'maxAge: 600'],
    ['a fractional maxAge', { maxAge: 1.5 }, 'maxAge', 'whole number', 'maxAge: 600'],
    ['maxAge as a string', { maxAge: '600' }, 'maxAge', 'whole number', 'maxAge: 600'],
    [
      'a non-2xx success status',
      { optionsSuccessStatus: 304 },
      'optionsSuccessStatus',
      'not a 2xx status',
      '204',
    ],
    [
      'credentials as a string',
      { credentials: 'true' },
      'credentials',
      'not a boolean',
      'credentials: true',
    ],
    [
      'the typo allowHeaders',
      { allowHeaders: ['X-Token'] },
      'allowHeaders',
      'not a CORS option',
      'did you mean "allowedHeaders"?',
    ],
    [
      'the typo exposeHeaders',
      { exposeHeaders: ['X-Total'] },
      'exposeHeaders',
      'not a CORS option',
      'did you mean "exposedHeaders"?',
    ],
    ['the typo maxage', { maxage: 10 }, 'maxage', 'not a CORS option', 'did you mean "maxAge"?'],
    [
      "@fastify/cors's cacheControl",
      { cacheControl: 600 },
      'cacheControl',
      'an option of @fastify/cors',
      'preflightCacheControl',
    ],
    [
      "@fastify/cors's strictPreflight",
      { strictPreflight: false },
      'strictPreflight',
      'an option of @fastify/cors',
      'always',
    ],
    [
      'an unrelated unknown option',
      { foo: 1 },
      'foo',
      'not a CORS option',
      'the options are origin, methods',
    ],
    [
      'a list of the wrong type',
      { allowedHeaders: 5 },
      'allowedHeaders',
      'not a list',
      'array of strings',
    ],
    [
      'a non-string in a list',
      { exposedHeaders: ['X-A', 5] },
      'exposedHeaders[1]',
      'not a string',
      'X-Request-Id',
    ],
    [
      'several origins in one comma-separated string',
      { origin: 'https://a.example.com,https://b.example.com' },
      'origin',
      'several origins in one string',
      'write them as an array: ["https://a.example.com", "https://b.example.com"]',
    ],
    [
      'a regex matching any origin, with credentials',
      { origin: /.*/, credentials: true },
      'origin',
      'nobody owns',
      'dangerouslyAllowPermissiveRegexWithCredentials',
    ],
    [
      'a regex matching any https origin, with credentials',
      { origin: ['https://a.example.com', /^https?:\/\/.*$/], credentials: true },
      'origin[1]',
      '.invalid',
      'anchor it to your own domains',
    ],
    [
      'a regex matching any origin under an unanchored suffix, with credentials',
      { origin: /https:\/\/.+/, credentials: true },
      'origin',
      'nobody owns',
      'anchor it',
    ],
    [
      'a negative preflight cache lifetime',
      { preflightCacheControl: -1 },
      'preflightCacheControl',
      'Cache-Control value',
      'public, max-age=600',
    ],
    [
      'a preflight cache value that would split the header',
      { preflightCacheControl: 'public\r\nX-Evil: 1' },
      'preflightCacheControl',
      'Cache-Control value',
      'preflightCacheControl: 600',
    ],
  ];

  it.each(refused)(
    'refuses %s, naming the option, the value and the fix',
    (_what, options, option, problem, fix) => {
      const error = configurationError(options);
      expect(error.problems).toHaveLength(1);
      const [found] = error.problems;
      expect(found!.option).toBe(option);
      expect(found!.problem).toContain(problem);
      expect(found!.fix).toContain(fix);
      expect(error.message).toContain(`${option}:`);
      expect(error.message).toContain('Fix:');
    },
  );

  it('reports every problem at once, and where the policy is', () => {
    const error = configurationError(
      { origin: ['https://a.example.com/', 'null'], maxAge: 999999, allowHeaders: [] },
      'ItemsController.update',
    );
    expect(error.problems.map((p) => p.option)).toEqual([
      'allowHeaders',
      'origin[0]',
      'origin[1]',
      'maxAge',
    ]);
    expect(error.message.split('\n')[0]).toBe('invalid CORS policy in ItemsController.update:');
    expect(error.message).toContain('"https://a.example.com/"');
  });

  it.each([
    [{ origin: '*', credentials: true }, 'origin-any-with-credentials'],
    [{ origin: true, credentials: true }, 'origin-reflect-with-credentials'],
    [{ origin: /.*/, credentials: true }, 'origin-permissive-regex-with-credentials'],
    [{ origin: 'https://a.example.com/' }, 'origin-not-serialized'],
    [{ origin: 'null' }, 'origin-null'],
    [{ origin: 'https://a.example, https://b.example' }, 'origin-several-in-one'],
    [{ origin: 'https://*.com' }, 'origin-public-suffix-wildcard'],
    [{ origin: 'https://a.example.com:443' }, 'origin-default-port'],
    [{ origin: 'http://a.example.com', credentials: true }, 'origin-insecure-with-credentials'],
    [{ methods: ['TRACE'] }, 'method-forbidden'],
    [{ allowedHeaders: ['Cookie'] }, 'header-never-sent'],
    [{ exposedHeaders: ['Set-Cookie'] }, 'header-never-readable'],
    [{ maxAge: 90000 }, 'max-age-out-of-range'],
    [{ optionsSuccessStatus: 404 }, 'success-status-not-2xx'],
    [{ allowHeaders: [] }, 'unknown-option'],
    [{ credentials: 'yes' }, 'not-boolean'],
    [{ predicateTimeout: 0 }, 'predicate-timeout-out-of-range'],
    [{ predicateTimeout: 1.5 }, 'predicate-timeout-out-of-range'],
  ])('gives the problem of %j the stable code %s', (options, code) => {
    expect(configurationError(options).problems.map((p) => p.code)).toEqual([code]);
  });

  it('refuses something that is not an options object', () => {
    expect(configurationError('https://a.example.com').problems[0]!.option).toBe('policy');
  });

  it.each([
    ['no options at all', undefined],
    [
      'exact origins',
      { origin: ['https://a.example.com', 'http://localhost:3000'], credentials: true },
    ],
    [
      'a subdomain pattern with credentials',
      { origin: 'https://*.example.com', credentials: true },
    ],
    [
      'a port wildcard on localhost with credentials',
      { origin: 'http://localhost:*', credentials: true },
    ],
    [
      'plain http on loopback with credentials',
      {
        origin: ['http://127.0.0.1:5173', 'http://[::1]:5173', 'http://app.localhost'],
        credentials: true,
      },
    ],
    [
      'plain http with credentials, deliberately',
      {
        origin: 'http://intranet.example',
        credentials: true,
        dangerouslyAllowInsecureOriginsWithCredentials: true,
      },
    ],
    ["'null', deliberately", { origin: 'https://a.example.com', dangerouslyAllowNullOrigin: true }],
    ['a regex with credentials', { origin: /^https:\/\/[a-z]+\.example\.com$/, credentials: true }],
    [
      'an unanchored regex of one domain with credentials (it is matched in full)',
      { origin: /https:\/\/([a-z]+\.)?example\.com/, credentials: true },
    ],
    [
      'a permissive regex with credentials, deliberately',
      { origin: /.*/, credentials: true, dangerouslyAllowPermissiveRegexWithCredentials: true },
    ],
    ['a permissive regex without credentials', { origin: /^https:\/\/.*$/ }],
    ['a preflight cache lifetime', { preflightCacheControl: 600 }],
    ['a preflight cache value', { preflightCacheControl: 'public, max-age=600, s-maxage=3600' }],
    ['a predicate with credentials', { origin: () => true, credentials: true }],
    [
      "'*' without credentials",
      { origin: '*', exposedHeaders: '*', allowedHeaders: '*', methods: '*' },
    ],
    ['reflect-all without credentials', { origin: true }],
    ['maxAge at its bounds', { maxAge: -1 }],
    ['maxAge 86400', { maxAge: 86400 }],
    [
      'Nest-style comma-separated strings',
      { methods: 'GET,POST', allowedHeaders: 'Content-Type, X-Token' },
    ],
    ['an extension origin', { origin: 'chrome-extension://abcdefghijklmnop' }],
    ['a wildcard over a registrable ccTLD domain', { origin: 'https://*.example.co.uk' }],
  ])('accepts %s', (_what, options) => {
    expect(() => compilePolicy(options as CorsPolicyOptions)).not.toThrow();
  });

  it('compiles to a frozen policy', () => {
    const policy = compilePolicy({ origin: 'https://a.example.com' });
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it('normalises the case of configured origins and standard methods', () => {
    const policy = buildPolicy({
      origin: 'HTTPS://App.Example.COM',
      methods: ['put', 'patch', 'Purge'],
    });
    expect(policy.originRule.kind === 'match' && [...policy.originRule.matcher.exact]).toEqual([
      'https://app.example.com',
    ]);
    expect(policy.methodRule.kind === 'listed' && [...policy.methodRule.allowed]).toEqual([
      'PUT',
      'PATCH',
      'Purge',
    ]);
  });
});
