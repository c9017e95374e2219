import {
  MAX_REQUEST_HEADER_NAMES,
  MAX_REQUEST_HEADERS_LENGTH,
  checkRequestHeaders,
  normalizeRequestHeaders,
  type RequestHeaderRule,
} from '../../../lib/engine/http/request-headers';

const any: RequestHeaderRule = { kind: 'any' };
const listed: RequestHeaderRule = { kind: 'listed', allowed: new Set(['x-token', 'content-type']) };
const wildcard: RequestHeaderRule = { kind: 'wildcard', allowed: new Set() };

describe('checkRequestHeaders', () => {
  it.each([
    ['', any],
    ['   ', any],
    ['x-a', any],
    ['content-type,x-token', listed],
    ['X-Token, Content-Type', listed],
    ['content-type ,\tx-token', listed],
    ['x-anything,x-else', wildcard],
    // RFC 9110 section 5.6.1: empty elements and whitespace around them are accepted and ignored.
    [',', any],
    ['x-token,', listed],
    ['x-token, ', listed],
    [',x-token', listed],
    [' , ,x-token', listed],
    ['content-type,,x-token', listed],
    ['content-type, \t, x-token ,', listed],
  ])('accepts %j', (value, rule) => {
    expect(checkRequestHeaders(value, rule)).toBeUndefined();
  });

  it.each([
    ['x a', 'request-headers-malformed'],
    ['x-a, ,x b', 'request-headers-malformed'],
    ['x-a;x-b', 'request-headers-malformed'],
    ['x-a\r\nx-b', 'request-headers-malformed'],
    ['ü', 'request-headers-malformed'],
  ])('refuses the malformed list %j whatever the rule', (value, reason) => {
    expect(checkRequestHeaders(value, any)).toBe(reason);
    expect(checkRequestHeaders(value, wildcard)).toBe(reason);
  });

  it('names the first header that the list does not allow', () => {
    expect(checkRequestHeaders('content-type,x-other,x-third', listed)).toBe(
      'header-not-allowed: x-other',
    );
  });

  it('lets a wildcard cover everything but authorization', () => {
    expect(checkRequestHeaders('authorization,x-a', wildcard)).toBe(
      'header-not-allowed: authorization',
    );
    const withAuthorization: RequestHeaderRule = {
      kind: 'wildcard',
      allowed: new Set(['authorization']),
    };
    expect(checkRequestHeaders('authorization,x-a', withAuthorization)).toBeUndefined();
  });

  it('judges the names of a padded list like those of a tidy one', () => {
    expect(checkRequestHeaders(' , x-other,, content-type', listed)).toBe(
      'header-not-allowed: x-other',
    );
  });

  it('counts names, not empty elements, against the bound; the length bound caps the rest', () => {
    const padded = `${',,'.repeat(1000)}x-token`;
    expect(checkRequestHeaders(padded, listed)).toBeUndefined();
    expect(checkRequestHeaders(','.repeat(MAX_REQUEST_HEADERS_LENGTH + 1), any)).toBe(
      'request-headers-too-long',
    );
  });

  it.each([
    ['content-type,x-token', 'content-type,x-token'],
    ['content-type, x-token', 'content-type, x-token'],
    [' , ,x-token', 'x-token'],
    ['content-type,, x-token ,', 'content-type, x-token'],
    [',', ''],
  ])('echoes %j as %j', (value, echoed) => {
    expect(normalizeRequestHeaders(value)).toBe(echoed);
  });

  it('refuses more names than the bound before judging any of them', () => {
    const names = Array.from({ length: MAX_REQUEST_HEADER_NAMES + 1 }, (_, i) => `x-${i}`).join(
      ',',
    );
    expect(checkRequestHeaders(names, any)).toBe('request-headers-too-many');
    const atBound = Array.from({ length: MAX_REQUEST_HEADER_NAMES }, (_, i) => `x-${i}`).join(',');
    expect(checkRequestHeaders(atBound, any)).toBeUndefined();
  });

  it('refuses a value longer than the bound without scanning it', () => {
    expect(checkRequestHeaders('a'.repeat(MAX_REQUEST_HEADERS_LENGTH + 1), any)).toBe(
      'request-headers-too-long',
    );
    expect(checkRequestHeaders('x'.repeat(200_000), listed)).toBe('request-headers-too-long');
  });

  it('caps the name it reports', () => {
    const reason = checkRequestHeaders(`x${'y'.repeat(1000)}`, listed);
    expect(reason).toBe(`header-not-allowed: x${'y'.repeat(63)}`);
  });
});
