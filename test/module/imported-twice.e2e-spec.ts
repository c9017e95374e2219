import { Controller, Get, Module } from '@nestjs/common';
import { CorsModule } from '../../lib/index';
import { PLATFORMS, startApp } from '../e2e/platforms';

const APP = 'https://app.example.com';

@Controller('items')
class ItemsController {
  @Get() list() {
    return [];
  }
}

/**
 * A feature module that imports the module again, as a library's module might, with other options:
 * Nest would merge two identical imports into one module, but not these.
 */
@Module({
  imports: [CorsModule.forRoot({ origin: [APP], exposedHeaders: ['X-Total'] })],
  controllers: [ItemsController],
})
class FeatureModule {}

@Module({ imports: [CorsModule.forRoot({ origin: APP }), FeatureModule] })
class AppModule {}

describe.each(PLATFORMS)('CorsModule imported twice (%s)', (platform) => {
  it('configures the server once: one hook, one answer per request', async () => {
    const server = await startApp(platform, AppModule);
    try {
      const preflight = await server.send({
        method: 'OPTIONS',
        path: '/items',
        headers: { origin: APP, 'access-control-request-method': 'GET' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(APP);
      const actual = await server.send({ method: 'GET', path: '/items', headers: { origin: APP } });
      expect(actual.status).toBe(200);
      expect(actual.headers['access-control-allow-origin']).toBe(APP);
      expect(actual.headers.vary).toBe('Origin');
      // The root module's import is configured first and sets the server up; the feature module's
      // adds nothing (a second hook would add its exposed header).
      expect(actual.headers['access-control-expose-headers']).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
