import { isSameOrigin } from '../../../lib/engine/http/same-origin';

describe('isSameOrigin', () => {
  it('trusts Sec-Fetch-Site where the browser sends it', () => {
    expect(isSameOrigin('https://a.example', 'b.example', 'same-origin')).toBe(true);
    expect(isSameOrigin('https://a.example', 'a.example', 'none')).toBe(true);
    expect(isSameOrigin('https://a.example', 'a.example', 'cross-site')).toBe(false);
    expect(isSameOrigin('https://a.example', 'a.example', 'same-site')).toBe(false);
  });

  it('otherwise compares the host and port of Origin with Host', () => {
    expect(isSameOrigin('http://127.0.0.1:3000', '127.0.0.1:3000', undefined)).toBe(true);
    expect(isSameOrigin('https://API.example', 'api.example', undefined)).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:3000', '127.0.0.1:4000', undefined)).toBe(false);
    expect(isSameOrigin('https://evil.example', 'api.example', undefined)).toBe(false);
    expect(isSameOrigin('null', 'api.example', undefined)).toBe(false);
    expect(isSameOrigin('https://api.example', undefined, undefined)).toBe(false);
  });

  it('counts a request without Origin as same-origin', () => {
    expect(isSameOrigin(undefined, 'api.example', 'cross-site')).toBe(true);
  });
});
