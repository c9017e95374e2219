import { refusalHeaderValue } from '../../lib/http/refusal-header';
import { debugHeaderOn } from '../../lib/nest/debug-header';
import type { CorsModuleOptions } from '../../lib';

/** A valid header value as this module writes it: visible ASCII and spaces, nothing else. */
const VISIBLE_ASCII = /^[\x20-\x7e]*$/;

describe('refusalHeaderValue', () => {
  it('writes the reason code and the places, quoted', () => {
    expect(
      refusalHeaderValue('origin-not-allowed', 'ItemsController.update, CorsModule options'),
    ).toBe('origin-not-allowed; policy="ItemsController.update, CorsModule options"');
  });

  it('keeps the header name the client chose out of a header-not-allowed reason', () => {
    const value = refusalHeaderValue('header-not-allowed: x-evil\r\nSet-Cookie: a=b', 'Items');
    expect(value).toBe('header-not-allowed; policy="Items"');
  });

  it('writes a reason that is not a code as "refused"', () => {
    expect(refusalHeaderValue('Origin "x"\r\n', 'Items')).toBe('refused; policy="Items"');
  });

  it('escapes quotes and backslashes, and writes anything outside visible ASCII as "?"', () => {
    const value = refusalHeaderValue('origin-not-allowed', 'paths["/a\\b"], Caf\u00e9\r\n\u0000');
    expect(value).toBe('origin-not-allowed; policy="paths[\\"/a\\\\b\\"], Caf????"');
    expect(value).toMatch(VISIBLE_ASCII);
  });

  it('cuts the places at 200 characters', () => {
    const value = refusalHeaderValue('origin-not-allowed', 'A'.repeat(10_000));
    expect(value).toBe(`origin-not-allowed; policy="${'A'.repeat(200)}..."`);
  });
});

describe('debugHeaderOn', () => {
  const cases: ReadonlyArray<
    [
      string,
      Pick<CorsModuleOptions, 'debug' | 'debugHeader'>,
      string | undefined,
      boolean,
      RegExp | null,
    ]
  > = [
    ['no debug', {}, undefined, false, null],
    ['no debug in production', {}, 'production', false, null],
    ['debug: true', { debug: true }, 'development', true, null],
    [
      'debug: true, debugHeader: false',
      { debug: true, debugHeader: false },
      undefined,
      false,
      null,
    ],
    [
      'debug: true in production',
      { debug: true },
      'production',
      false,
      /no X-Cors-Refused header\. Set debugHeader: "even-in-production"/,
    ],
    [
      'debug: true, debugHeader: false in production',
      { debug: true, debugHeader: false },
      'production',
      false,
      null,
    ],
    [
      'debugHeader: "even-in-production" in production',
      { debug: true, debugHeader: 'even-in-production' },
      'production',
      true,
      /X-Cors-Refused is sent in production/,
    ],
  ];

  it.each(cases)('%s', (_name, options, nodeEnv, on, warning) => {
    const warn = jest.fn();
    expect(debugHeaderOn(options, nodeEnv, warn)).toBe(on);
    if (warning === null) expect(warn).not.toHaveBeenCalled();
    else {
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(warning);
    }
  });
});
