import { refusalsOfActual, refusalsOfPreflight } from '../../lib/client/browser-verdict';

const PAGE = 'https://page.example';
const response = (headers: Record<string, string>, status = 204) => ({ status, headers });
const ask = (extra: Partial<Parameters<typeof refusalsOfPreflight>[1]> = {}) => ({
  origin: PAGE,
  method: 'PUT',
  headers: [] as string[],
  credentials: false,
  ...extra,
});

describe('how a browser judges a CORS answer', () => {
  it('accepts an answer that echoes the origin, or "*" without credentials', () => {
    expect(refusalsOfActual(response({ 'access-control-allow-origin': PAGE }), ask())).toEqual([]);
    expect(refusalsOfActual(response({ 'access-control-allow-origin': '*' }), ask())).toEqual([]);
  });

  it('refuses another origin, and credentials without Allow-Credentials: true', () => {
    expect(
      refusalsOfActual(response({ 'access-control-allow-origin': 'https://other.example' }), ask()),
    ).toEqual([
      'Access-Control-Allow-Origin is "https://other.example", not the page\'s origin "https://page.example"',
    ]);
    expect(
      refusalsOfActual(
        response({ 'access-control-allow-origin': PAGE }),
        ask({ credentials: true }),
      ),
    ).toEqual([
      'Access-Control-Allow-Credentials is absent, and a request with credentials needs exactly "true"',
    ]);
  });

  it('lets safelisted methods pass, and "*" cover others only without credentials', () => {
    const any = { 'access-control-allow-origin': PAGE, 'access-control-allow-methods': '*' };
    expect(
      refusalsOfPreflight(
        response({ 'access-control-allow-origin': PAGE }),
        ask({ method: 'POST' }),
      ),
    ).toEqual([]);
    expect(refusalsOfPreflight(response(any), ask())).toEqual([]);
    expect(
      refusalsOfPreflight(
        response({ ...any, 'access-control-allow-credentials': 'true' }),
        ask({ credentials: true }),
      ),
    ).toEqual(['Access-Control-Allow-Methods ("*") does not list "PUT"']);
  });

  it('lets "*" cover request headers but Authorization, and only without credentials', () => {
    const any = {
      'access-control-allow-origin': PAGE,
      'access-control-allow-methods': 'PUT',
      'access-control-allow-headers': '*',
    };
    expect(refusalsOfPreflight(response(any), ask({ headers: ['X-Token'] }))).toEqual([]);
    expect(refusalsOfPreflight(response(any), ask({ headers: ['Authorization'] }))).toEqual([
      'Access-Control-Allow-Headers ("*") does not list "authorization"',
    ]);
    expect(
      refusalsOfPreflight(
        response({ ...any, 'access-control-allow-headers': 'x-token, Authorization' }),
        ask({ headers: ['X-Token', 'authorization'] }),
      ),
    ).toEqual([]);
  });

  it('refuses a preflight answered with a status that is not ok', () => {
    expect(
      refusalsOfPreflight(response({ 'access-control-allow-origin': PAGE }, 404), ask()),
    ).toEqual(['the status is 404, and a preflight needs an ok status (200-299)']);
  });
});
