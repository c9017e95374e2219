import { Controller, Get, Module } from '@nestjs/common';
import { CorsModule } from '../../lib';
import { PLATFORMS, startApp } from './platforms';
import { LogRecorder } from './fixtures/debug-app';
import { APP } from './fixtures/origins';

@Controller('ping')
class PingController {
  @Get() ping() {
    return 'pong';
  }
}

@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [PingController] })
class PingAppModule {}

/** app.enableCors() next to the module writes conflicting headers: the start says so. */
describe.each(PLATFORMS)('app.enableCors() alongside CorsModule on %s', (platform) => {
  const warnings = (logs: LogRecorder) =>
    logs.entries.filter((e) => e.level === 'warn' && e.context === 'Cors').map((e) => e.message);

  it('is reported at startup', async () => {
    const logs = new LogRecorder();
    const started = await startApp(platform, PingAppModule, (app) => app.enableCors(), {
      logger: logs,
    });
    await started.close();
    expect(warnings(logs)).toEqual([expect.stringContaining('app.enableCors()')]);
  });

  it('is not reported when it is not used', async () => {
    const logs = new LogRecorder();
    const started = await startApp(platform, PingAppModule, undefined, { logger: logs });
    await started.close();
    expect(warnings(logs)).toEqual([]);
  });
});
