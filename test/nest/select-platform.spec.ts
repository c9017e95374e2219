import { HttpAdapterHost } from '@nestjs/core';
import { noteEarlyRoutes } from '../../lib/nest/select-platform';

/** A Fastify adapter whose instance records the hooks added to it. */
function fakeFastifyAdapter() {
  const hooks: string[] = [];
  const instance = { addHook: (name: string) => void hooks.push(name) };
  return { hooks, adapter: { getType: () => 'fastify', getInstance: () => instance } };
}

/** HttpAdapterHost as Nest releases without `init$` write it: an accessor pair, nothing else. */
class HostWithoutInit {
  private adapter: unknown;
  get httpAdapter(): unknown {
    return this.adapter;
  }
  set httpAdapter(adapter: unknown) {
    this.adapter = adapter;
  }
}

describe('noteEarlyRoutes: routes are noted from the moment Nest hands the adapter over', () => {
  it('at once when the adapter is already there (NestFactory.create())', () => {
    const host = new HttpAdapterHost();
    const { hooks, adapter } = fakeFastifyAdapter();
    host.httpAdapter = adapter as never;
    noteEarlyRoutes(host);
    expect(hooks).toEqual(['onRoute']);
  });

  it('when createNestApplication() hands it over later (the testing module), through init$', () => {
    const host = new HttpAdapterHost();
    const { hooks, adapter } = fakeFastifyAdapter();
    noteEarlyRoutes(host);
    expect(hooks).toEqual([]);
    host.httpAdapter = adapter as never;
    expect(hooks).toEqual(['onRoute']);
  });

  it('and through the httpAdapter setter where the host has no init$', () => {
    const host = new HostWithoutInit();
    const { hooks, adapter } = fakeFastifyAdapter();
    noteEarlyRoutes(host as unknown as HttpAdapterHost);
    expect(hooks).toEqual([]);
    host.httpAdapter = adapter;
    expect(hooks).toEqual(['onRoute']);
    expect(host.httpAdapter).toBe(adapter);
  });
});
