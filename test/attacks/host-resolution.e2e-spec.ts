/**
 * Host-bound controllers against the router: for generated hosts, given as a `Host` header, a
 * proxy's `X-Forwarded-Host` (trusted or not) or HTTP/2's `:authority`, the handler Nest runs for an
 * actual request is the reference, and the preflight for the same URL and host must carry that
 * handler's policy: a preflight answered by another handler's policy lets a page send what the
 * running handler's policy refuses (or refuses what it allows). Differential: Nest decides, the
 * module must agree, whatever the host looks like.
 */
import { Controller, Get, Module, Put, type Type } from '@nestjs/common';
import fc from 'fast-check';
import { Cors, CorsModule } from '../../lib';
import {
  startApp,
  trustLoopback,
  type Platform,
  type Received,
  type SentRequest,
} from '../e2e/platforms';
import { startHttp2App } from '../e2e/support/http2';

// Hundreds of requests per test, on a machine that may be busy: bounded, but not in 5 s.
jest.setTimeout(60_000);

const TENANT_ORIGIN = 'https://tenant.example';
const ADMIN_ORIGIN = 'https://admin.example';
const FALLBACK_ORIGIN = 'https://fallback.example';
const ORIGINS = [TENANT_ORIGIN, ADMIN_ORIGIN, FALLBACK_ORIGIN];

@Cors({ origin: ADMIN_ORIGIN, credentials: true })
@Controller({ path: 'where', host: 'admin.example.com' })
class AdminController {
  @Get() get() {
    return 'admin';
  }
  @Put() put() {
    return 'admin';
  }
}

@Cors({ origin: TENANT_ORIGIN })
@Controller({ path: 'hosted', host: ':tenant.tenants.example.com' })
class TenantController {
  @Get() get() {
    return 'tenant';
  }
  @Put() put() {
    return 'tenant';
  }
}

/** Each path again for every other host: Express tries it after the host-bound controllers. */
@Cors({ origin: FALLBACK_ORIGIN })
@Controller(['where', 'hosted'])
class FallbackController {
  @Get() get() {
    return 'fallback';
  }
  @Put() put() {
    return 'fallback';
  }
}

/**
 * Fastify refuses a second route with the same method and path (`FST_ERR_DUPLICATED_ROUTE`), so
 * there the host-bound controllers stand alone, and another host reaches no handler (404).
 */
const HOSTS_MODULES: Readonly<Record<Platform, Type>> = {
  express: moduleOf([AdminController, TenantController, FallbackController]),
  fastify: moduleOf([AdminController, TenantController]),
};

function moduleOf(controllers: Type[]): Type {
  @Module({ imports: [CorsModule.forRoot({ origin: false })], controllers })
  class HostsModule {}
  return HostsModule;
}

/** Which origin each handler's policy allows, by the body the handler answers with. */
const ORIGIN_OF_HANDLER: Readonly<Record<string, string>> = {
  admin: ADMIN_ORIGIN,
  tenant: TENANT_ORIGIN,
  fallback: FALLBACK_ORIGIN,
};

const hostnames = fc.oneof(
  fc.constantFrom(
    'admin.example.com',
    'ADMIN.example.COM',
    'admin.example.com.',
    'xadmin.example.com',
    'admin.example.com.evil.test',
    'acme.tenants.example.com',
    'a.b.tenants.example.com',
    '.tenants.example.com',
    'tenants.example.com',
    'localhost',
    '127.0.0.1',
    '[::1]',
    '',
  ),
  fc.stringMatching(/^[a-z0-9-]{1,8}$/).map((label) => `${label}.tenants.example.com`),
);
const hosts = fc
  .tuple(hostnames, fc.option(fc.constantFrom(':80', ':443', ':3000', ':'), { nil: undefined }))
  .map(([name, port]) => `${name}${name === '' ? '' : (port ?? '')}`);

interface Probe {
  readonly path: '/where' | '/hosted';
  readonly host: string;
  readonly forwardedHost: string | undefined;
  readonly method: 'GET' | 'PUT';
}

const probes = fc.record({
  path: fc.constantFrom('/where' as const, '/hosted' as const),
  host: hosts,
  forwardedHost: fc.option(hosts, { nil: undefined }),
  method: fc.constantFrom('GET' as const, 'PUT' as const),
});

const PROBES = fc.sample(probes, { numRuns: 120, seed: 8 });

function headersOf(probe: Probe): Record<string, string> {
  const headers: Record<string, string> = { host: probe.host || 'localhost' };
  if (probe.forwardedHost !== undefined) headers['x-forwarded-host'] = probe.forwardedHost;
  return headers;
}

/**
 * One probe: the actual request says which handler ran (its body); the preflight for the same URL
 * and host must approve exactly the origin that handler's policy allows, and no other.
 */
async function findingsOf(
  probe: Probe,
  send: (sent: SentRequest) => Promise<Received>,
  label: string,
): Promise<string[]> {
  const headers = headersOf(probe);
  const actual = await send({ method: probe.method, path: probe.path, headers });
  const handlerOrigin = ORIGIN_OF_HANDLER[actual.body];
  const what = `${label} ${probe.method} ${probe.path} ${JSON.stringify(headers)}`;
  // No handler ran when the body names none: a 404, or Nest 11.0's Fastify adapter, which answers
  // a host that no host-bound controller serves with a 500 of its own. Then nothing may be
  // approved; the preflight, answered by the module alone, must never fail.
  const found: string[] = [];
  for (const origin of ORIGINS) {
    const preflight = await send({
      method: 'OPTIONS',
      path: probe.path,
      headers: { ...headers, origin, 'access-control-request-method': probe.method },
    });
    const granted = preflight.headers['access-control-allow-origin'] === origin;
    // No handler ran (a 404 for a host nothing serves): nothing may be approved.
    const expected = handlerOrigin === origin;
    if (preflight.status >= 500) found.push(`${what}: preflight answered ${preflight.status}`);
    else if (granted !== expected)
      found.push(
        `${what}: ${actual.body || actual.status} ran, but the preflight ${granted ? 'granted' : 'refused'} ${origin}`,
      );
  }
  return found;
}

async function attack(
  send: (sent: SentRequest) => Promise<Received>,
  label: string,
  probesToSend: readonly Probe[] = PROBES,
): Promise<string[]> {
  const findings: string[] = [];
  for (const probe of probesToSend) findings.push(...(await findingsOf(probe, send, label)));
  return findings;
}

describe('attack: host-bound controllers, the router against the preflight', () => {
  it('generates hosts that reach every handler', () => {
    const hostsSent = new Set(PROBES.map((probe) => probe.host.split(':')[0]));
    expect(hostsSent.size).toBeGreaterThan(20);
  });

  describe.each(['express', 'fastify'] as const)('on %s', (platform) => {
    it.each([false, true])('agrees with the router (trust proxy: %s)', async (trusted) => {
      const app = await startApp(
        platform,
        HOSTS_MODULES[platform],
        trusted ? trustLoopback(platform).setUp : undefined,
        {},
        trusted ? trustLoopback(platform).fastifyOptions : undefined,
      );
      try {
        const findings = await attack((sent) => app.send(sent), `${platform} trust=${trusted}`);
        expect(findings.slice(0, 10)).toEqual([]);
        // Every handler was reached, so each policy was compared at least once.
        const ran = new Set<string>();
        for (const probe of PROBES.slice(0, 60)) {
          const received = await app.send({
            method: 'GET',
            path: probe.path,
            headers: headersOf(probe),
          });
          ran.add(received.body);
        }
        expect([...ran].filter((body) => body in ORIGIN_OF_HANDLER).sort()).toEqual(
          platform === 'express' ? ['admin', 'fallback', 'tenant'] : ['admin', 'tenant'],
        );
      } finally {
        await app.close();
      }
    });
  });

  it('agrees with the router on fastify over HTTP/2 (:authority, no Host header)', async () => {
    const app = await startHttp2App(HOSTS_MODULES.fastify);
    try {
      // An empty :authority is a protocol error over HTTP/2; the rest are sent as they are.
      const sendable = PROBES.filter((probe) => probe.host !== '');
      const findings = await attack((sent) => app.send(sent), 'http2', sendable);
      expect(findings.slice(0, 10)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
