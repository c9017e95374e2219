import { compilePolicy, refusedContent, type CorsPolicyOptions } from '../../lib/engine';

const APP = 'https://app.example.com';

function refused(
  options: CorsPolicyOptions,
  method: string,
  headers: Record<string, string>,
  checkHeaders = true,
) {
  return refusedContent(compilePolicy(options), method, headers, checkHeaders);
}

describe('refusedContent', () => {
  it.each([
    ['a method the policy lists', { methods: ['PUT'] }, 'PUT', {}, undefined],
    ['a safelisted method it does not list', { methods: ['PUT'] }, 'POST', {}, undefined],
    ['a method it does not list', { methods: ['PUT'] }, 'DELETE', {}, 'method-not-allowed'],
    ['any method under *', { methods: '*' }, 'PURGE', {}, undefined],
    ['a header it lists', { allowedHeaders: ['X-Token'] }, 'GET', { 'x-token': '1' }, undefined],
    [
      'a header it does not list',
      { allowedHeaders: ['X-Token'] },
      'GET',
      { 'x-secret': '1' },
      'header-not-allowed: x-secret',
    ],
    ['any header without allowedHeaders', {}, 'GET', { 'x-secret': '1' }, undefined],
    [
      'Authorization under a wildcard',
      { allowedHeaders: '*' },
      'GET',
      { authorization: 'Bearer x' },
      'header-not-allowed: authorization',
    ],
    [
      'a JSON Content-Type it does not list',
      { allowedHeaders: [] },
      'POST',
      { 'content-type': 'application/json' },
      'header-not-allowed: content-type',
    ],
    [
      "a form's Content-Type, safelisted",
      { allowedHeaders: [] },
      'POST',
      { 'content-type': 'Multipart/Form-Data; boundary=x' },
      undefined,
    ],
    [
      'headers browsers and proxies add, and HTTP/2 pseudo-headers',
      { allowedHeaders: [] },
      'GET',
      {
        ':authority': 'api.example.com',
        host: 'api.example.com',
        cookie: 'a=1',
        accept: '*/*',
        'accept-language': 'en',
        'sec-fetch-site': 'cross-site',
        'user-agent': 'x',
        priority: 'u=1, i',
        'if-none-match': '"1"',
        'x-forwarded-host': 'api.example.com',
        traceparent: '00-1-2-01',
      },
      undefined,
    ],
    [
      'headers CDNs, load balancers and tracing add, and client hints',
      { allowedHeaders: [] },
      'GET',
      {
        'cf-connecting-ip': '203.0.113.1',
        'cdn-loop': 'cloudflare',
        'true-client-ip': '203.0.113.1',
        'x-amzn-trace-id': 'Root=1-2-3',
        'x-cloud-trace-context': '1/2;o=1',
        b3: '1-2-1',
        'x-b3-traceid': '1',
        'x-b3-spanid': '2',
        baggage: 'a=1',
        'save-data': 'on',
        'device-memory': '8',
        dpr: '2',
        'viewport-width': '1280',
        rtt: '50',
        downlink: '10',
        ect: '4g',
      },
      undefined,
    ],
    [
      'a header that only resembles an added family',
      { allowedHeaders: [] },
      'GET',
      { 'x-b3': '1' },
      'header-not-allowed: x-b3',
    ],
  ] as [string, CorsPolicyOptions, string, Record<string, string>, string | undefined][])(
    '%s',
    (_what, options, method, headers, reason) => {
      expect(refused({ origin: APP, ...options }, method, headers)).toBe(reason);
    },
  );

  it('looks at the method alone when asked to leave the headers be', () => {
    const policy = { origin: APP, methods: ['PUT'], allowedHeaders: ['X-Token'] };
    expect(refused(policy, 'GET', { 'x-secret': '1' }, false)).toBeUndefined();
    expect(refused(policy, 'DELETE', {}, false)).toBe('method-not-allowed');
  });
});
