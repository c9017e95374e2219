/**
 * Attacks on kept answers: a per-request policy cached by `vary: ['Host']` and an origin predicate
 * with `predicateCache: { vary: ['Host'] }`, under generated sequences of requests from two tenants,
 * unknown hosts and hostile origins, with the host given the ways a deployment gives it: a `Host`
 * header, a proxy's `X-Forwarded-Host` (trusted or not), HTTP/2's `:authority`. Each request's
 * expected answer comes from an oracle that reads the host as the platform does; a finding is any
 * response whose CORS headers say otherwise: another tenant's grant served from a kept answer, a
 * forwarded host believed from a client that is not a trusted proxy, a grant without `Vary: Host`.
 */
import type { IncomingMessage } from 'node:http';
import { Controller, Get, Module, Put } from '@nestjs/common';
import fc from 'fast-check';
import { Cors, CorsModule, perRequestPolicy } from '../../lib';
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

/** Each tenant's host and the one origin it allows, with credentials. */
const TENANTS: Readonly<Record<string, string>> = {
  'a.tenant.test': 'https://a.example',
  'b.tenant.test': 'https://b.example',
};
const HOSTS = ['a.tenant.test', 'b.tenant.test', 'unknown.test', 'A.TENANT.TEST'];
const ORIGINS = ['https://a.example', 'https://b.example', 'https://evil.example', 'null'];

/** The host a predicate reads from Node's request, as a user writes it. */
function rawHostOf(request: IncomingMessage): string {
  const host = request.headers.host ?? request.headers[':authority'] ?? '';
  return (Array.isArray(host) ? host[0]! : host).split(':')[0]!.toLowerCase();
}

@Controller('policy')
class PerRequestController {
  @Get() read() {
    return 'read';
  }
  @Put() write() {
    return 'write';
  }
}

@Cors({
  origin: (origin: string, callback: (error: null, allow: boolean) => void, req: IncomingMessage) =>
    callback(null, TENANTS[rawHostOf(req)] === origin),
  credentials: true,
  predicateCache: { ttl: 60_000, max: 50, vary: ['Host'] },
})
@Controller('predicate')
class PredicateController {
  @Get() read() {
    return 'read';
  }
  @Put() write() {
    return 'write';
  }
}

/**
 * A predicate that reads the request's hostname where the platform gives it one (Express hands
 * predicates its own `req`, which knows a trusted proxy's X-Forwarded-Host; Fastify the Node
 * request, which has no `hostname`).
 */
@Cors({
  origin: (
    origin: string,
    callback: (error: null, allow: boolean) => void,
    req: IncomingMessage & { hostname?: string },
  ) => callback(null, TENANTS[(req.hostname ?? rawHostOf(req)).toLowerCase()] === origin),
  credentials: true,
  predicateCache: { ttl: 60_000, max: 50, vary: ['Host'] },
})
@Controller('predicate-hostname')
class PredicateHostnameController {
  @Get() read() {
    return 'read';
  }
  @Put() write() {
    return 'write';
  }
}

@Module({
  imports: [
    CorsModule.forRoot({
      defaultPolicy: perRequestPolicy(
        (req: { hostname?: string }) => ({
          origin: TENANTS[(req.hostname ?? '').toLowerCase()] ?? false,
          credentials: true,
        }),
        { vary: ['Host'], cache: { ttl: 60_000, max: 50 } },
      ),
    }),
  ],
  controllers: [PerRequestController, PredicateController, PredicateHostnameController],
})
class TenantsModule {}

/** How a deployment hands the application its host. */
type Transport = 'http1' | 'http1-trusted-proxy' | 'http2';

interface Probe {
  readonly route: 'policy' | 'predicate' | 'predicate-hostname';
  readonly preflight: boolean;
  readonly origin: string;
  readonly host: string;
  /** Sent as `X-Forwarded-Host`, with `Host` naming the upstream, when set. */
  readonly forwardedHost: string | undefined;
}

const probes = fc.record({
  route: fc.constantFrom('policy' as const, 'predicate' as const, 'predicate-hostname' as const),
  preflight: fc.boolean(),
  origin: fc.constantFrom(...ORIGINS),
  host: fc.constantFrom(...HOSTS),
  forwardedHost: fc.option(fc.constantFrom(...HOSTS), { nil: undefined }),
});

/** The upstream's name, as nginx's default `proxy_set_header Host $proxy_host` sends it. */
const UPSTREAM = 'backend.internal';

function requestOf(probe: Probe, transport: Transport): SentRequest {
  const headers: Record<string, string> = { origin: probe.origin };
  if (probe.forwardedHost !== undefined) {
    headers['x-forwarded-host'] = probe.forwardedHost;
    headers.host = transport === 'http2' ? probe.host : UPSTREAM;
  } else {
    // Over HTTP/2, the support sends `host` as `:authority` and no Host header.
    headers.host = probe.host;
  }
  if (probe.preflight) headers['access-control-request-method'] = 'PUT';
  return { method: probe.preflight ? 'OPTIONS' : 'GET', path: `/${probe.route}`, headers };
}

/**
 * The host each policy must have judged by. The per-request policy reads the platform's
 * `req.hostname`: the forwarded host only from a trusted proxy. The predicate reads Node's request
 * itself: `Host`, or `:authority` on HTTP/2.
 */
function judgedHost(
  probe: Probe,
  transport: Transport,
  sent: SentRequest,
  platform: Platform | 'http2',
): string {
  const host = sent.headers!.host!.toLowerCase();
  if (probe.route === 'predicate') return host;
  // Only Express gives a predicate a request that knows the platform's hostname.
  if (probe.route === 'predicate-hostname' && platform !== 'express') return host;
  if (transport === 'http1-trusted-proxy' && probe.forwardedHost !== undefined)
    return probe.forwardedHost.toLowerCase();
  return host;
}

function findingsOf(
  probe: Probe,
  transport: Transport,
  platform: Platform | 'http2',
  received: Received,
): string[] {
  const sent = requestOf(probe, transport);
  const allowed = TENANTS[judgedHost(probe, transport, sent, platform)] === probe.origin;
  const found: string[] = [];
  const grant = received.headers['access-control-allow-origin'];
  const what = `${transport} ${sent.method} ${sent.path} ${JSON.stringify(sent.headers)}`;
  if (received.status >= 500) found.push(`${what}: status ${received.status}`);
  if (allowed && grant !== probe.origin) found.push(`${what}: refused an allowed origin`);
  if (!allowed && grant !== undefined) found.push(`${what}: granted ${grant}`);
  if (!allowed && received.headers['access-control-allow-credentials'] !== undefined)
    found.push(`${what}: credentials granted to a refused origin`);
  const vary = (received.headers.vary ?? '').toLowerCase();
  if (!vary.split(',').some((name) => name.trim() === 'host'))
    found.push(`${what}: no Vary: Host (${received.headers.vary})`);
  return found;
}

/** Sequences of probes, the same in every run (fixed seed), long enough to warm both caches. */
const SEQUENCES = fc.sample(fc.array(probes, { minLength: 10, maxLength: 30 }), {
  numRuns: 16,
  seed: 17,
});

async function attack(
  transport: Transport,
  platform: Platform | 'http2',
  send: (sent: SentRequest) => Promise<Received>,
): Promise<string[]> {
  const findings: string[] = [];
  for (const sequence of SEQUENCES) {
    for (const probe of sequence) {
      const received = await send(requestOf(probe, transport));
      findings.push(...findingsOf(probe, transport, platform, received));
    }
  }
  return findings;
}

describe('attack: kept per-request answers and predicate answers', () => {
  it('probes every transport with the same sequences', () => {
    expect(SEQUENCES.reduce((sum, sequence) => sum + sequence.length, 0)).toBeGreaterThan(100);
  });

  describe.each(['express', 'fastify'] as const)('on %s', (platform) => {
    it.each(['http1', 'http1-trusted-proxy'] as const)(
      'serves no tenant another tenant’s grant over %s',
      async (transport) => {
        const trusted = transport === 'http1-trusted-proxy';
        const app = await startApp(
          platform,
          TenantsModule,
          trusted ? trustLoopback(platform).setUp : undefined,
          {},
          trusted ? trustLoopback(platform).fastifyOptions : undefined,
        );
        try {
          const findings = await attack(transport, platform, (sent) => app.send(sent));
          expect(findings.slice(0, 10)).toEqual([]);
        } finally {
          await app.close();
        }
      },
    );
  });

  it('serves no tenant another tenant’s grant on fastify over HTTP/2', async () => {
    const app = await startHttp2App(TenantsModule);
    try {
      const findings = await attack('http2', 'http2', (sent) => app.send(sent));
      expect(findings.slice(0, 10)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
