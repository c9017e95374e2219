import { PLATFORMS, startApp, type TestApp } from './platforms';
import { SHOP_CASES, expectResponse } from './cases';
import { SHOP_APP_MODULES } from './fixtures/shop-app';

describe.each(PLATFORMS)('per-route policies on %s', (platform) => {
  let shop: TestApp;
  beforeAll(async () => {
    shop = await startApp(platform, SHOP_APP_MODULES[platform]);
  });
  afterAll(() => shop.close());

  it.each(SHOP_CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, { request, expected }) => {
      expectResponse(await shop.send(request), expected);
    },
  );
});
