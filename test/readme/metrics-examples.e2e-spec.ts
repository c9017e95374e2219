import { Controller, Get, Module, Put, type Type } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { register } from 'prom-client';
import { Cors, CorsModule } from '../../lib';
import { get, preflight } from '../e2e/cases';
import { APP, EVIL } from '../e2e/fixtures/origins';
import { PLATFORMS, startApp, type TestApp } from '../e2e/platforms';
import { readmeBlocks, writeBlock } from './readme-blocks';

/*
 * The README's "Metrics" examples, as written there, count refusals in the real prom-client and
 * OpenTelemetry SDK: by kind, declared route and reason, and nothing for allowed requests.
 */

/** The exported class of the one README block that imports `from '<library>'`. */
async function readmeService(library: string, name: string): Promise<Type> {
  const blocks = readmeBlocks().filter((block) => block.code.includes(`from '${library}'`));
  expect(blocks).toHaveLength(1);
  const loaded = (await import(writeBlock(blocks[0]!))) as Record<string, Type>;
  expect(loaded[name]).toBeDefined();
  return loaded[name]!;
}

/** A reader the test collects from when it wants: cumulative sums, as Prometheus keeps them. */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const reader = new CollectingReader();
// As an application's telemetry setup does, before the application is created.
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

/** The data points of one OpenTelemetry counter: attributes and value. */
function points(resourceMetrics: ResourceMetrics, name: string) {
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as readonly { attributes: object; value: unknown }[])
    .map((point) => ({ attributes: point.attributes, value: point.value as number }));
}

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return [];
  }

  @Put(':id')
  @Cors({ allowedHeaders: ['x-token'] })
  update() {
    return {};
  }
}

describe.each(PLATFORMS)("the README's metrics examples on %s", (platform) => {
  let app: TestApp;

  beforeAll(async () => {
    register.clear();
    const CorsMetrics = await readmeService('prom-client', 'CorsMetrics');
    const CorsTelemetry = await readmeService('@opentelemetry/api', 'CorsTelemetry');
    @Module({
      imports: [CorsModule.forRoot({ origin: APP })],
      controllers: [ItemsController],
      providers: [CorsMetrics, CorsTelemetry],
    })
    class MetricsAppModule {}
    app = await startApp(platform, MetricsAppModule);
  });
  afterAll(() => app.close());

  it('count refused requests and preflights by kind, route and reason; allowed ones not at all', async () => {
    const before = points((await reader.collect()).resourceMetrics, 'cors.refused');
    await app.send(get('/items', EVIL));
    await app.send(get('/items?page=2', EVIL));
    await app.send(preflight('/items/7', APP, 'PUT', 'x-unknown'));
    await app.send(get('/items', APP));
    await app.send(preflight('/items/7', APP, 'PUT', 'x-token'));

    const prometheus = await register.getSingleMetricAsString('cors_refused_total');
    expect(prometheus).toContain(
      'cors_refused_total{kind="actual-refused",route="GET /items",reason="origin-not-allowed"} 2',
    );
    expect(prometheus).toContain(
      'cors_refused_total{kind="preflight-refused",route="PUT /items/:id",reason="header-not-allowed"} 1',
    );
    // Two series: nothing for the allowed request and preflight, no origin or header name anywhere.
    expect(
      prometheus.split('\n').filter((line) => line.startsWith('cors_refused_total{')),
    ).toHaveLength(2);
    expect(prometheus).not.toContain(EVIL);
    expect(prometheus).not.toContain('x-unknown');

    const after = points((await reader.collect()).resourceMetrics, 'cors.refused');
    const added = (attributes: Record<string, string>) =>
      (after.find((p) => JSON.stringify(p.attributes) === JSON.stringify(attributes))?.value ?? 0) -
      (before.find((p) => JSON.stringify(p.attributes) === JSON.stringify(attributes))?.value ?? 0);
    expect(
      added({
        'cors.kind': 'actual-refused',
        'cors.route': 'GET /items',
        'cors.reason': 'origin-not-allowed',
      }),
    ).toBe(2);
    expect(
      added({
        'cors.kind': 'preflight-refused',
        'cors.route': 'PUT /items/:id',
        'cors.reason': 'header-not-allowed',
      }),
    ).toBe(1);
    expect(after).toHaveLength(2);
  });
});
