/**
 * Attacks on WebSocket handshakes: engine.io queries (sid, EIO, transport, j, b64 absent, empty,
 * bare, repeated, percent-encoded, upper-case, junk, in any order) and origin headers (Origin and
 * Sec-WebSocket-Origin absent, empty, null, repeated, in mixed case, with a trailing slash,
 * disagreeing), sent to CorsIoAdapter's socket.io servers as polling requests, preflights and
 * upgrades, and to CorsWsAdapter's ws servers as upgrades, on Express and Fastify over HTTP/1.1 and
 * on Fastify over HTTP/2 (polling). Every probe comes from an origin no policy of the server
 * allows. A finding is a WebSocket opened (101), a polling request served (2xx), an approving CORS
 * header, a 5xx or no answer; and, after all probes, any connection that the gateways, the engine
 * (`engine.on('connection')`) or the namespace the application made itself saw.
 */
import type { Server } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { CorsIoAdapter } from '../../lib/websockets/socket.io';
import { CorsWsAdapter } from '../../lib/websockets/ws';
import { APP } from '../e2e/fixtures/origins';
import { POLLING_HANDSHAKE, WEBSOCKET_HANDSHAKE } from '../e2e/fixtures/websocket-clients';
import {
  GatewayHits,
  IoGatewaysAppModule,
  LEGACY_IO_PATH,
  ServerHits,
  WsGatewaysAppModule,
} from '../e2e/fixtures/websocket-gateways-app';
import { sendOnWire } from '../e2e/fixtures/websocket-wire';
import { PLATFORMS, startApp, type TestApp } from '../e2e/platforms';
import { portOf } from '../e2e/support/raw-http';
import { startHttp2App } from '../e2e/support/http2';
import {
  findingsOf,
  KINDS,
  ORIGIN_FORMS,
  QUERIES,
  SID_FORMS,
  wireRequestOf,
  type Probe,
  type ProbeAnswer,
} from './websocket-probes';

/** The socket.io servers probed: every gateway on them is checked (none is `@Cors(false)`). */
const IO_PATHS = ['/socket.io/', `${LEGACY_IO_PATH}/`];
/** The ws gateways probed: every one checked; `/ws/guarded` has a `verifyClient` of its own. */
const WS_PATHS = [
  '/ws/default',
  '/ws/legacy',
  '/ws/admin',
  '/ws/partner',
  '/ws/tenant',
  '/ws/guarded',
];

/** The query of the plain handshake of a kind: polling, or the WebSocket transport's upgrade. */
const handshakeOf = (kind: Probe['kind']) =>
  kind === 'upgrade' ? WEBSOCKET_HANDSHAKE : POLLING_HANDSHAKE;

const IO_TABLE: Probe[] = [
  // Every sid form, from a refused origin, on the handshake of each kind.
  ...SID_FORMS.flatMap((sid) =>
    KINDS.map((kind) => ({
      kind,
      target: `/socket.io${handshakeOf(kind)}${sid === '' ? '' : `&${sid}`}`,
      from: ORIGIN_FORMS[0]![0],
      headers: ORIGIN_FORMS[0]![1],
    })),
  ),
  // Every origin form, on each kind, with and without an empty sid, on every server.
  ...ORIGIN_FORMS.flatMap(([from, headers]) =>
    KINDS.flatMap((kind) =>
      IO_PATHS.flatMap((path) =>
        ['', '&sid='].map((sid) => ({
          kind,
          target: `${path.slice(0, -1)}${handshakeOf(kind)}${sid}`,
          from,
          headers,
          version: kind === 'upgrade' && headers.some(([n]) => /^sec-/i.test(n)) ? '8' : '13',
        })),
      ),
    ),
  ),
] as Probe[];

const IO_SAMPLES: Probe[] = fc
  .sample(
    fc.record({
      kind: fc.constantFrom(...KINDS),
      target: fc.tuple(fc.constantFrom(...IO_PATHS), QUERIES).map(([path, query]) => path + query),
      origin: fc.constantFrom(...ORIGIN_FORMS),
      version: fc.constantFrom('13' as const, '8' as const),
    }),
    { numRuns: 300, seed: 1717 },
  )
  .map(({ origin: [from, headers], ...rest }) => ({ ...rest, from, headers }));

const WS_PROBES: Probe[] = [
  ...ORIGIN_FORMS.flatMap(([from, headers]) =>
    WS_PATHS.flatMap((target) =>
      (['13', '8'] as const).map((version) => ({
        kind: 'upgrade' as const,
        target,
        from,
        headers,
        version,
      })),
    ),
  ),
  ...fc
    .sample(
      fc.record({
        target: fc.tuple(fc.constantFrom(...WS_PATHS), QUERIES).map(([path, q]) => path + q),
        origin: fc.constantFrom(...ORIGIN_FORMS),
        version: fc.constantFrom('13' as const, '8' as const),
      }),
      { numRuns: 100, seed: 1718 },
    )
    .map(({ origin: [from, headers], ...rest }) => ({
      kind: 'upgrade' as const,
      ...rest,
      from,
      headers,
    })),
];

/** Findings for what gateway code, the engine or the application's own namespace saw. */
function reachedFindings(app: INestApplication): string[] {
  const reached = { ...app.get(GatewayHits).counts() };
  try {
    Object.assign(reached, app.get(ServerHits).counts());
  } catch {
    // The ws application has no ServerHits.
  }
  return Object.entries(reached).map(
    ([what, count]) => `reached from a refused origin: ${what} x${count}`,
  );
}

async function listening(app: TestApp): Promise<number> {
  await app.app.listen(0, '127.0.0.1');
  return portOf(app.app.getHttpServer() as Server);
}

/** Sends every probe, one at a time, and gathers the findings. */
async function attack(
  probes: readonly Probe[],
  send: (probe: Probe) => Promise<ProbeAnswer>,
): Promise<string[]> {
  const findings: string[] = [];
  for (const probe of probes) findings.push(...findingsOf(probe, await send(probe)));
  return findings;
}

/** A finding unless the server still opens a session for an allowed origin afterwards. */
function aliveFinding(status: number): string[] {
  return status === 200 ? [] : [`an allowed origin's handshake afterwards got ${status}`];
}

describe('attack: WebSocket handshakes and engine.io requests from refused origins', () => {
  it('probes as many requests as intended', () => {
    expect(IO_TABLE.length + IO_SAMPLES.length).toBeGreaterThan(600);
    expect(WS_PROBES.length).toBeGreaterThan(300);
  });

  describe.each(PLATFORMS)('on %s', (platform) => {
    it('socket.io (CorsIoAdapter): nothing opened, nothing approved, nothing failed', async () => {
      const app = await startApp(platform, IoGatewaysAppModule, (nest) =>
        nest.useWebSocketAdapter(new CorsIoAdapter(nest)),
      );
      try {
        const port = await listening(app);
        const findings = await attack([...IO_TABLE, ...IO_SAMPLES], (probe) =>
          sendOnWire(port, wireRequestOf(probe)),
        );
        findings.push(...reachedFindings(app.app));
        const alive = await sendOnWire(port, {
          method: 'GET',
          target: `/socket.io${POLLING_HANDSHAKE}`,
          headers: [['Origin', APP]],
        });
        findings.push(...aliveFinding(alive.status));
        expect({ count: findings.length, first: findings.slice(0, 15) }).toEqual({
          count: 0,
          first: [],
        });
      } finally {
        await app.close();
      }
    });

    it('ws (CorsWsAdapter): nothing opened, nothing failed', async () => {
      const app = await startApp(platform, WsGatewaysAppModule, (nest) =>
        nest.useWebSocketAdapter(new CorsWsAdapter(nest)),
      );
      try {
        const port = await listening(app);
        const findings = await attack(WS_PROBES, (probe) => sendOnWire(port, wireRequestOf(probe)));
        findings.push(...reachedFindings(app.app));
        expect({ count: findings.length, first: findings.slice(0, 15) }).toEqual({
          count: 0,
          first: [],
        });
      } finally {
        await app.close();
      }
    });
  });

  it('socket.io (CorsIoAdapter) on fastify over HTTP/2: polling and preflights', async () => {
    const app = await startHttp2App(IoGatewaysAppModule, (nest) =>
      nest.useWebSocketAdapter(new CorsIoAdapter(nest)),
    );
    try {
      // HTTP/2 has no upgrade, and its header names are lower case; a repeated header arrives
      // joined, as Node joins it on HTTP/1.1.
      const probes = [...IO_TABLE, ...IO_SAMPLES].filter((probe) => probe.kind !== 'upgrade');
      const findings = await attack(probes, (probe) => {
        const sent = wireRequestOf(probe);
        const headers: Record<string, string> = {};
        for (const [name, value] of sent.headers) {
          const key = name.toLowerCase();
          headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
        }
        return app.send({ method: sent.method, path: sent.target, headers, body: sent.body });
      });
      findings.push(...reachedFindings(app.app));
      const alive = await app.send({
        method: 'GET',
        path: `/socket.io${POLLING_HANDSHAKE}`,
        headers: { origin: APP },
      });
      findings.push(...aliveFinding(alive.status));
      expect({ count: findings.length, first: findings.slice(0, 15) }).toEqual({
        count: 0,
        first: [],
      });
    } finally {
      await app.close();
    }
  });
});
