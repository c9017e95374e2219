import { appendVary } from '../../../lib/engine/http/vary';

describe('appendVary', () => {
  it.each([
    [undefined, 'Origin', 'Origin'],
    ['', 'Origin', 'Origin'],
    ['Accept-Encoding', 'Origin', 'Accept-Encoding, Origin'],
    ['accept-encoding, origin', 'Origin', undefined],
    ['Origin', 'Origin, Access-Control-Request-Method', 'Origin, Access-Control-Request-Method'],
    ['*', 'Origin', undefined],
    ['Accept, *', 'Origin', undefined],
    ['Accept', '', undefined],
  ])('appends to %j the names %j missing from it', (existing, names, expected) => {
    expect(appendVary(existing, names)).toBe(expected);
  });
});
