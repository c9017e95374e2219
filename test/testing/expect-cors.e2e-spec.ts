import { expectCors } from '../../lib/testing';
import { SHOP_APP_MODULES } from '../e2e/fixtures/shop-app';
import { ADMIN, EVIL } from '../e2e/fixtures/origins';
import { PLATFORMS, startApp, type TestApp } from '../e2e/platforms';

/** The helpers against a real application, on each platform, given the app itself. */
describe.each(PLATFORMS)('expectCors on %s', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(platform, SHOP_APP_MODULES[platform]);
  });
  afterAll(() => app.close());

  it('passes a preflight the browser would follow with the actual request', async () => {
    const response = await expectCors(app.app)
      .preflight('PUT', '/items/42')
      .from(ADMIN)
      .toBeAllowed({ credentials: true, headers: ['X-Token'] });
    expect(response.status).toBe(204);
  });

  it('names the header that makes the browser refuse a preflight', async () => {
    const asked = expectCors(app.app).preflight('PUT', '/items/42').from(ADMIN);
    await expect(asked.toBeAllowed({ headers: ['x-other'] })).rejects.toThrow(
      'Access-Control-Allow-Headers (absent) does not list "x-other"',
    );
    await expect(asked.toBeDenied({ headers: ['x-other'] })).resolves.toMatchObject({
      status: 204,
    });
  });

  it('fails with the message the README shows', async () => {
    await expect(
      expectCors(app.app)
        .preflight('PUT', '/items/1')
        .from(ADMIN)
        .toBeAllowed({ headers: ['X-Other'] }),
    ).rejects.toThrow(
      [
        'Expected a browser to allow the preflight for PUT /items/1 from https://admin.example.com (asking for X-Other), but it would refuse it:',
        '  - Access-Control-Allow-Origin is missing',
        '  - Access-Control-Allow-Methods (absent) does not list "PUT"',
        '  - Access-Control-Allow-Headers (absent) does not list "x-other"',
      ].join('\n'),
    );
  });

  it('tells a denied preflight by its headers, although its status is 204', async () => {
    await expect(
      expectCors(app.app).preflight('PUT', '/items/42').from(EVIL).toBeDenied(),
    ).resolves.toMatchObject({ status: 204 });
  });

  it('checks what the page may read of an actual response', async () => {
    await expectCors(app.app)
      .request('GET', '/items')
      .from(ADMIN)
      .toBeAllowed({ credentials: true, exposes: ['X-Request-Id'] });
    await expect(
      expectCors(app.app)
        .request('GET', '/items')
        .from(ADMIN)
        .toBeAllowed({ exposes: ['X-Total'] }),
    ).rejects.toThrow('Access-Control-Expose-Headers ("X-Request-Id") does not list "X-Total"');
  });

  it("refuses '*' to a page that sends credentials, as browsers do", async () => {
    const catalog = expectCors(app.app).request('GET', '/items/catalog').from(EVIL);
    await catalog.toBeAllowed();
    await expect(catalog.toBeAllowed({ credentials: true })).rejects.toThrow(
      'Access-Control-Allow-Origin is "*", which a browser refuses for a request with credentials',
    );
  });

  it('says what was approved when a denial was expected', async () => {
    await expect(
      expectCors(app.app).request('GET', '/items').from(ADMIN).toBeDenied(),
    ).rejects.toThrow(
      /would let the page read it \(access-control-allow-origin: https:\/\/admin\.example\.com/,
    );
  });
});
