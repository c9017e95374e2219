import {
  CorsConfigurationError,
  ProblemList,
} from '../../../lib/engine/errors/cors-configuration-error';
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
