import { readReportQuestion } from '../../lib/report/report-query';

describe('readReportQuestion', () => {
  it('reads a full question, trimming the header names', () => {
    expect(
      readReportQuestion(
        '/_cors?origin=https%3A%2F%2Fa.example&method=PUT&path=/items/1%3Fx%3D1&headers=x-token,%20content-type,&credentials=true',
      ),
    ).toEqual({
      origin: 'https://a.example',
      method: 'PUT',
      path: '/items/1?x=1',
      headers: ['x-token', 'content-type'],
      credentials: true,
    });
  });

  it('fills in what the page may leave out: GET, "/", no headers, no credentials', () => {
    expect(readReportQuestion('/_cors?origin=null&headers=&credentials=false')).toEqual({
      origin: 'null',
      method: 'GET',
      path: '/',
      headers: [],
      credentials: false,
    });
  });

  it.each([
    ['/_cors', 'origin is missing'],
    ['/_cors?origin=a&origin=b', 'origin is given 2 times: give it once'],
    [`/_cors?origin=${'a'.repeat(513)}`, 'origin is longer than 512 characters'],
    ['/_cors?origin=a%00b', 'origin has a space, a control character'],
    ['/_cors?origin=a+b', 'origin has a space'],
    ['/_cors?origin=a&method=G%20T', 'method is not an HTTP method name'],
    [`/_cors?origin=a&method=${'A'.repeat(65)}`, 'method is not an HTTP method name'],
    ['/_cors?origin=a&method=GET&method=PUT', 'method is given 2 times'],
    [`/_cors?origin=a&path=/${'a'.repeat(2048)}`, 'path is not a request path'],
    ['/_cors?origin=a&path=%2F%09', 'path is not a request path'],
    [`/_cors?origin=a&headers=${'x,'.repeat(65)}`, 'headers lists more than 64 names'],
    [`/_cors?origin=a&headers=${'x'.repeat(4097)}`, 'headers is longer than 4096 characters'],
    ['/_cors?origin=a&headers=x%3Ay', 'headers has a name that is not an HTTP header name'],
    ['/_cors?origin=a&credentials=true&credentials=false', 'credentials is given 2 times'],
  ])('%s: %s', (url, message) => {
    const answer = readReportQuestion(url);
    expect(typeof answer).toBe('string');
    expect(answer).toContain(message);
  });

  it('takes malformed percent-escapes as text, without throwing', () => {
    expect(readReportQuestion('/_cors?origin=%zz&path=/%E0%A4%A')).toEqual(
      expect.stringContaining('path is not a request path'),
    );
  });

  describe('credentials', () => {
    const credentialsOf = (query: string) => readReportQuestion(`/_cors?origin=null${query}`);

    it.each([
      ['', false],
      ['&credentials=false', false],
      ['&credentials=true', true],
    ])('%s reads as %s', (query, expected) => {
      expect(credentialsOf(query)).toMatchObject({ credentials: expected });
    });

    // "on" is what a checkbox without a value sends: refused, not read as false.
    it.each(['yes', 'on', '1', 'TRUE', 'True', 'no', '0', ''])(
      'credentials=%s is refused, naming the parameter, the value and the fix',
      (value) => {
        expect(credentialsOf(`&credentials=${value}`)).toBe(
          `credentials is ${JSON.stringify(value)}, which is neither "true" nor "false": write credentials=true for a request with cookies, or credentials=false (or leave it out) for one without`,
        );
      },
    );

    it('names a long or hostile value bounded and escaped', () => {
      const long = credentialsOf(`&credentials=${'y'.repeat(5000)}`) as string;
      expect(long.startsWith(`credentials is "${'y'.repeat(64)}"..., which`)).toBe(true);
      expect(credentialsOf('&credentials=a%0d%0aX-Evil:1')).toContain(
        'credentials is "a\\r\\nX-Evil:1", which',
      );
    });

    it('given twice, even alike, is refused', () => {
      expect(credentialsOf('&credentials=true&credentials=true')).toBe(
        'credentials is given 2 times: give it once',
      );
    });
  });
});
