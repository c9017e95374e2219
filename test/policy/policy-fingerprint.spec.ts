import { fingerprintOf } from '../../lib/policy/policy-fingerprint';

/*
 * A fingerprint stands for a compiled policy: two options with one fingerprint share one compiled
 * answer (or one refusal). Values the check tells apart must never share one.
 */
describe('fingerprintOf', () => {
  class Settings {
    ttl = 1000;
    max = 10;
  }

  // A list with a hole at 0, written without a sparse literal.
  const holed: unknown[] = [];
  holed.length = 1;

  it.each([
    ['NaN and null', NaN, null],
    ['Infinity and null', Infinity, null],
    ['-0 and 0', -0, 0],
    ['a hole and an empty list', holed, []],
    ['a hole and undefined', holed, [undefined]],
    ['a class instance and the plain object of its fields', new Settings(), { ttl: 1000, max: 10 }],
    ['a number and its string', 1, '1'],
    ['a bigint and its number', 1n, 1],
    ['two symbols', Symbol('a'), Symbol('b')],
  ])('tells %s apart', (_what, a, b) => {
    expect(fingerprintOf(a)).not.toBe(fingerprintOf(b));
  });

  it.each([
    ['equal plain objects, keys in any order', { a: 1, b: [2] }, { b: [2], a: 1 }],
    ['an absent key and one set to undefined', { a: 1 }, { a: 1, b: undefined }],
    ['regexes of one source and flags', /x/i, /x/i],
    ['two instances of one class with equal fields', new Settings(), new Settings()],
    [
      'objects without a prototype and plain ones',
      Object.assign(Object.create(null), { a: 1 }),
      { a: 1 },
    ],
  ])('gives %s one fingerprint', (_what, a, b) => {
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
  });
});
