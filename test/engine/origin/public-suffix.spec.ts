import {
  CorsConfigurationError,
  ProblemList,
} from '../../../lib/engine/errors/cors-configuration-error';
import { compilePolicy } from '../../../lib/engine/compile-policy';
import type { CorsPolicyOptions } from '../../../lib/engine/model/cors-policy-options';
import { parseOriginPattern } from '../../../lib/engine/origin/origin-pattern';
import { isPublicSuffix } from '../../../lib/engine/origin/public-suffix';

/** The codes of the problems `raw` is refused with, or `[]` when it is accepted. */
function problemCodesOf(raw: string): string[] {
  const problems = new ProblemList();
  parseOriginPattern(raw, 'origin', problems);
  try {
    problems.throwIfAny(undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigurationError);
    return (error as CorsConfigurationError).problems.map((problem) => problem.code);
  }
  return [];
}

// Suffixes of the Public Suffix List, its ICANN section (country second levels) and its private one
// (hosting platforms where every subdomain is a different customer).
const publicSuffixes = [
  'com',
  'co.uk',
  'co.jp',
  'com.br',
  'gov.br',
  'tokyo.jp',
  'k12.ca.us',
  'foo.kawasaki.jp', // under the wildcard rule *.kawasaki.jp
  's3.amazonaws.com',
  's3.us-east-1.amazonaws.com',
  'pages.dev',
  'github.io',
  'vercel.app',
  'netlify.app',
  'herokuapp.com',
  'localhost',
];

// Domains that one owner controls, with every subdomain under them.
const registrableDomains = [
  'example.com',
  'example.co.jp',
  'example.com.br',
  'my-project.github.io',
  'city.kawasaki.jp', // an exception to the wildcard rule *.kawasaki.jp
  'my_host.internal',
];

describe('isPublicSuffix', () => {
  it.each(publicSuffixes)('knows %s is a public suffix', (host) => {
    expect(isPublicSuffix(host)).toBe(true);
  });

  it.each(registrableDomains)('knows %s is not a public suffix', (host) => {
    expect(isPublicSuffix(host)).toBe(false);
  });

  it('treats amazonaws.com as public: the list names its services, each open to every customer', () => {
    expect(isPublicSuffix('amazonaws.com')).toBe(true);
  });
});

describe('parseOriginPattern: wildcards over public suffixes', () => {
  it.each(publicSuffixes.map((host) => `https://*.${host}`))('refuses %s', (raw) => {
    expect(problemCodesOf(raw)).toEqual(['origin-public-suffix-wildcard']);
  });

  it('refuses https://*.amazonaws.com, which reaches every S3 bucket', () => {
    expect(problemCodesOf('https://*.amazonaws.com')).toEqual(['origin-public-suffix-wildcard']);
  });

  it.each(registrableDomains.map((host) => `https://*.${host}`))('accepts %s', (raw) => {
    expect(problemCodesOf(raw)).toEqual([]);
  });
});

describe('compilePolicy: a credentialed wildcard over a public suffix is refused at startup', () => {
  /** The codes and options `options` is refused with by compilePolicy, or `[]` when it compiles. */
  function refusalOf(options: CorsPolicyOptions): [string, string][] {
    try {
      compilePolicy(options);
    } catch (error) {
      expect(error).toBeInstanceOf(CorsConfigurationError);
      return (error as CorsConfigurationError).problems.map((p) => [p.code, p.option]);
    }
    return [];
  }

  // ICANN section (co.jp), private section (s3 buckets, Cloudflare Pages, GitHub Pages, Vercel):
  // every name under them may be anyone's, and credentials would hand each their users' data.
  it.each([
    'https://*.co.jp',
    'https://*.s3.amazonaws.com',
    'https://*.pages.dev',
    'https://*.github.io',
    'https://*.vercel.app',
  ])('refuses %s with credentials', (pattern) => {
    expect(refusalOf({ origin: pattern, credentials: true })).toEqual([
      ['origin-public-suffix-wildcard', 'origin'],
    ]);
    // In a list too, beside an exact origin that is fine.
    expect(refusalOf({ origin: ['https://app.example.com', pattern], credentials: true })).toEqual([
      ['origin-public-suffix-wildcard', 'origin[1]'],
    ]);
  });

  it.each(['https://*.example.co.jp', 'https://*.my-project.github.io', 'https://*.example.com'])(
    'accepts %s with credentials: one owner holds every name under it',
    (pattern) => {
      expect(refusalOf({ origin: pattern, credentials: true })).toEqual([]);
    },
  );
});
