import { isSameOrigin } from '../../../lib/engine/http/same-origin';
import type { RequestAuthority } from '../../../lib/engine/http/request-authority';

function at(scheme: string, host: string): RequestAuthority {
  return { scheme, host, hostname: host.replace(/:\d+$/, '') };
}

describe('isSameOrigin', () => {
  it('trusts Sec-Fetch-Site where the browser sends it', () => {
    expect(isSameOrigin('https://a.example', at('https', 'b.example'), 'same-origin')).toBe(true);
    expect(isSameOrigin('https://a.example', at('https', 'a.example'), 'none')).toBe(true);
    expect(isSameOrigin('https://a.example', at('https', 'a.example'), 'cross-site')).toBe(false);
    expect(isSameOrigin('https://a.example', at('https', 'a.example'), 'same-site')).toBe(false);
  });

  it.each([
    ['http://127.0.0.1:3000', at('http', '127.0.0.1:3000'), true],
    ['https://API.example', at('https', 'api.example'), true],
    ['https://api.example', at('https', 'api.example:443'), true],
    ['http://api.example:80', at('http', 'api.example'), true],
    ['http://[::1]:3000', at('http', '[::1]:3000'), true],
    // The scheme is part of the origin: a page on http:// is not the https:// API's own.
    ['http://api.example', at('https', 'api.example'), false],
    ['https://api.example', at('http', 'api.example'), false],
    ['https://api.example:80', at('http', 'api.example'), false],
    ['http://127.0.0.1:3000', at('http', '127.0.0.1:4000'), false],
    ['https://evil.example', at('https', 'api.example'), false],
    ['https://api.example.evil.example', at('https', 'api.example'), false],
    ['https://api.example/', at('https', 'api.example'), false],
    ['null', at('https', 'api.example'), false],
    ['', at('https', 'api.example'), false],
    ['https://', at('https', ''), false],
  ])(
    'compares Origin %j with the addressed origin %j when Sec-Fetch-Site is absent',
    (origin, addressed, same) => {
      expect(isSameOrigin(origin, addressed, undefined)).toBe(same);
    },
  );

  it('refuses when the request names no host', () => {
    expect(isSameOrigin('https://api.example', undefined, undefined)).toBe(false);
  });

  it('counts a request without Origin as same-origin', () => {
    expect(isSameOrigin(undefined, at('https', 'api.example'), 'cross-site')).toBe(true);
  });
});
