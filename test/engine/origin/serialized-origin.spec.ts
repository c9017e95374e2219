import { parseSerializedOrigin } from '../../../lib/engine/origin/serialized-origin';

describe('parseSerializedOrigin', () => {
  it.each([
    ['https://app.example.com', { scheme: 'https', host: 'app.example.com', port: undefined }],
    ['http://localhost:3000', { scheme: 'http', host: 'localhost', port: 3000 }],
    ['http://127.0.0.1:8080', { scheme: 'http', host: '127.0.0.1', port: 8080 }],
    ['http://[::1]:4200', { scheme: 'http', host: '[::1]', port: 4200 }],
    [
      'https://xn--bcher-kva.example',
      { scheme: 'https', host: 'xn--bcher-kva.example', port: undefined },
    ],
    [
      'chrome-extension://abcdefghijklmnop',
      { scheme: 'chrome-extension', host: 'abcdefghijklmnop', port: undefined },
    ],
    ['https://a.example.com:8443', { scheme: 'https', host: 'a.example.com', port: 8443 }],
    ['http://my_host.internal', { scheme: 'http', host: 'my_host.internal', port: undefined }],
  ])('accepts %s', (value, expected) => {
    expect(parseSerializedOrigin(value)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['null', 'the opaque origin'],
    ['https://App.example.com', 'upper case'],
    ['HTTPS://app.example.com', 'upper-case scheme'],
    ['https://app.example.com/', 'a trailing slash'],
    ['https://app.example.com/path', 'a path'],
    ['https://app.example.com?q', 'a query'],
    ['https://user@app.example.com', 'user info'],
    ['https://app.example.com:443', 'the default port written out'],
    ['http://app.example.com:80', 'the default port written out'],
    ['https://app.example.com:', 'an empty port'],
    ['https://app.example.com:08443', 'a port with a leading zero'],
    ['https://app.example.com:65536', 'a port out of range'],
    ['https://app.example.com.', 'a trailing dot'],
    ['https://app..example.com', 'an empty label'],
    ['https://', 'no host'],
    ['app.example.com', 'no scheme'],
    ['https://a.example.com, https://b.example.com', 'two origins joined'],
    ['https://a.example.com https://b.example.com', 'two origins with a space'],
    ['https://app.exa mple.com', 'a space'],
    ['https://app.example.com\r\nSet-Cookie: x=1', 'a header injection'],
    ['https://[::1', 'an unclosed IPv6 literal'],
    ['https://[]', 'an empty IPv6 literal'],
    [`https://${'a'.repeat(64)}.example.com`, 'a label over 63 characters'],
    [`https://${'a.'.repeat(300)}com`, 'a host over the length bound'],
    ['https://bücher.example', 'non-ASCII'],
  ])('refuses %j (%s)', (value) => {
    expect(parseSerializedOrigin(value)).toBeUndefined();
  });
});
