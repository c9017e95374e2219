/**
 * WebSocket gateways behind CorsIoAdapter and CorsWsAdapter, in a real Chromium: a page on the
 * origin a gateway's policy allows opens a socket.io connection (over polling, whose responses the
 * browser checks for CORS headers, and over a WebSocket) or a plain WebSocket and exchanges a
 * message; a page on another origin cannot, and the gateway's own code never runs for it. The
 * socket.io client is the one the API's server serves (/socket.io/socket.io.js). On Express and on
 * Fastify.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { CorsIoAdapter } from 'nestjs-cors/socket.io';
import { CorsWsAdapter } from 'nestjs-cors/ws';
import type { Browser, Page } from 'playwright-core';
import { HandlerHits } from './fixtures/cors-app';
import { IoGatewaysBrowserAppModule, WsGatewaysBrowserAppModule } from './fixtures/websocket-app';
import { launchChromium } from './support/chromium';
import { HOST, PLATFORMS, createApi, originOf, startBlankPage } from './support/servers';

type PageOrigin = 'allowed' | 'other';

/** What the page got: in, with the gateway's answer to `ping`, or refused, with the error. */
type PageAttempt =
  | { readonly outcome: 'connected'; readonly answer: unknown }
  | { readonly outcome: 'refused'; readonly error: string };

/** socket.io-client's options that a case sets (the rest are fixed in {@link ioFromPage}). */
interface IoOptions {
  readonly transports?: readonly ('polling' | 'websocket')[];
  readonly withCredentials?: boolean;
}

interface SocketCase {
  readonly name: string;
  readonly from: PageOrigin;
  /** A socket.io namespace, or a ws path. */
  readonly to: string;
  readonly io?: IoOptions;
  /** What the page got; for a refusal, a part of the error it saw. */
  readonly expect: { readonly answer: unknown } | { readonly refused: string };
  /** Every count of the gateways' code (`name:connection`, `name:ping`): exactly these. */
  readonly hits: Readonly<Record<string, number>>;
  /** socket.io: the statuses the API answered the page's polling requests with, when checked. */
  readonly polled?: readonly number[];
}

const ran = (name: string) => ({ [`${name}:connection`]: 1, [`${name}:ping`]: 1 });

const IO_CASES: readonly SocketCase[] = [
  {
    name: 'allowed origin: socket.io as it starts by default (polling, then a WebSocket)',
    from: 'allowed',
    to: '/default',
    expect: { answer: 'pong from default' },
    hits: ran('default'),
  },
  {
    name: 'allowed origin: socket.io over a WebSocket only',
    from: 'allowed',
    to: '/default',
    io: { transports: ['websocket'] },
    expect: { answer: 'pong from default' },
    hits: ran('default'),
  },
  {
    name: 'allowed origin, credentialed policy: polling with withCredentials (the browser needs ACAC)',
    from: 'allowed',
    to: '/credentialed',
    io: { transports: ['polling'], withCredentials: true },
    expect: { answer: 'pong from credentialed' },
    hits: ran('credentialed'),
  },
  {
    name: "allowed origin, a namespace whose policy is another origin's: refused by the namespace",
    from: 'allowed',
    to: '/partner',
    io: { transports: ['websocket'] },
    expect: { refused: 'Forbidden' },
    hits: {},
  },
  {
    name: 'other origin, polling: the handshake is refused (403, no CORS headers)',
    from: 'other',
    to: '/default',
    io: { transports: ['polling'] },
    expect: { refused: 'xhr poll error' },
    hits: {},
    // The page cannot tell a 403 from a missing header; the server must have refused all the same.
    polled: [403],
  },
  {
    name: 'other origin, WebSocket: the upgrade is refused',
    from: 'other',
    to: '/default',
    io: { transports: ['websocket'] },
    expect: { refused: 'websocket error' },
    hits: {},
  },
];

const WS_CASES: readonly SocketCase[] = [
  {
    name: 'allowed origin: a WebSocket to a gateway on the module default',
    from: 'allowed',
    to: '/ws/default',
    expect: { answer: { event: 'pong', data: 'pong from default' } },
    hits: ran('default'),
  },
  {
    name: "allowed origin: a gateway whose policy is another origin's refuses the upgrade",
    from: 'allowed',
    to: '/ws/partner',
    expect: { refused: 'closed 1006' },
    hits: {},
  },
  {
    name: 'other origin: the upgrade is refused',
    from: 'other',
    to: '/ws/default',
    expect: { refused: 'closed 1006' },
    hits: {},
  },
];

/** The socket.io client the page loaded from the API (`window.io`), as far as the page uses it. */
type IoFactory = (
  url: string,
  options: object,
) => {
  once(event: string, listener: (value: unknown) => void): void;
  timeout(ms: number): { emitWithAck(event: string, data: unknown): Promise<unknown> };
  disconnect(): void;
};

/** Connects to a namespace with the page's socket.io client, sends `ping`, waits for the answer. */
function ioFromPage(page: Page, url: string, options: IoOptions): Promise<PageAttempt> {
  return page.evaluate(
    async ({ url, options }): Promise<PageAttempt> => {
      const io = (globalThis as unknown as { io: IoFactory }).io;
      const socket = io(url, { ...options, reconnection: false, forceNew: true, timeout: 5000 });
      try {
        const error = await new Promise<string | undefined>((resolve) => {
          socket.once('connect', () => resolve(undefined));
          socket.once('connect_error', (e) => resolve((e as Error).message));
        });
        if (error !== undefined) return { outcome: 'refused', error };
        return { outcome: 'connected', answer: await socket.timeout(5000).emitWithAck('ping', 1) };
      } finally {
        socket.disconnect();
      }
    },
    { url, options },
  );
}

/** The page's WebSocket, as far as the page uses it. */
interface PageWebSocket {
  onopen: () => void;
  onmessage: (event: { data: string }) => void;
  onclose: (event: { code: number }) => void;
  send(data: string): void;
  close(): void;
}

/** Opens a WebSocket from the page, sends `ping` and waits for the answer, or the close. */
function wsFromPage(page: Page, url: string): Promise<PageAttempt> {
  return page.evaluate(
    (url) =>
      new Promise<PageAttempt>((resolve) => {
        const { WebSocket } = globalThis as unknown as {
          WebSocket: new (url: string) => PageWebSocket;
        };
        const socket = new WebSocket(url);
        socket.onopen = () => socket.send(JSON.stringify({ event: 'ping', data: 1 }));
        socket.onmessage = (event) => {
          resolve({ outcome: 'connected', answer: JSON.parse(event.data) as unknown });
          socket.close();
        };
        // A refused upgrade reaches the page as a close with code 1006, and nothing more.
        socket.onclose = (event) => resolve({ outcome: 'refused', error: `closed ${event.code}` });
      }),
    url,
  );
}

function expectAttempt(attempt: PageAttempt, expected: SocketCase['expect']): void {
  if ('answer' in expected)
    expect(attempt).toEqual({ outcome: 'connected', answer: expected.answer });
  else
    expect(attempt).toEqual({
      outcome: 'refused',
      error: expect.stringContaining(expected.refused),
    });
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(PLATFORMS)('in Chromium, WebSocket gateways on %s', (platform) => {
  let pages: Record<PageOrigin, { origin: string; close(): Promise<void> }>;
  beforeAll(async () => {
    const [allowed, other] = await Promise.all([startBlankPage(), startBlankPage()]);
    pages = { allowed, other };
  });
  afterAll(async () => {
    await Promise.all([pages?.allowed.close(), pages?.other.close()]);
  });

  /** Starts the API with its adapter on a free port; returns its origin. */
  async function startApi(
    app: INestApplication,
    adapter: (app: INestApplication) => CorsIoAdapter | CorsWsAdapter,
  ): Promise<string> {
    app.useWebSocketAdapter(adapter(app));
    await app.listen(0, HOST);
    return originOf(app.getHttpServer() as Server);
  }

  /** A fresh browser context with a page on `from`, for one case. */
  async function withPage<T>(from: PageOrigin, run: (page: Page) => Promise<T>): Promise<T> {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${pages[from].origin}/`);
      return await run(page);
    } finally {
      await context.close();
    }
  }

  describe('socket.io: CorsIoAdapter', () => {
    let app: INestApplication;
    let api: string;
    let hits: HandlerHits;
    /** The statuses of the engine.io polling requests, as the API answered them. */
    const polled: number[] = [];
    beforeAll(async () => {
      app = await createApi(platform, IoGatewaysBrowserAppModule.allowing(pages.allowed.origin));
      api = await startApi(app, (app) => new CorsIoAdapter(app));
      hits = app.get(HandlerHits);
      // Put first once socket.io has attached (it moves the listeners it finds behind its own).
      const server = app.getHttpServer() as Server;
      server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
        if (!request.url?.startsWith('/socket.io/') || request.method === 'OPTIONS') return;
        response.once('finish', () => polled.push(response.statusCode));
      });
    });
    afterAll(() => app?.close());

    it.each(IO_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const attempt = await withPage(c.from, async (page) => {
        // A classic script from another origin needs no CORS: the client loads on both pages.
        await page.addScriptTag({ url: `${api}/socket.io/socket.io.js` });
        hits.clear();
        polled.length = 0;
        return ioFromPage(page, `${api}${c.to}`, c.io ?? {});
      });
      expectAttempt(attempt, c.expect);
      expect(hits.counts()).toEqual(c.hits);
      if (c.polled !== undefined) expect(polled).toEqual(c.polled);
    });
  });

  describe('ws: CorsWsAdapter', () => {
    let app: INestApplication;
    let api: string;
    let hits: HandlerHits;
    beforeAll(async () => {
      app = await createApi(platform, WsGatewaysBrowserAppModule.allowing(pages.allowed.origin));
      api = await startApi(app, (app) => new CorsWsAdapter(app));
      hits = app.get(HandlerHits);
    });
    afterAll(() => app?.close());

    it.each(WS_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const attempt = await withPage(c.from, (page) => {
        hits.clear();
        return wsFromPage(page, `${api.replace('http:', 'ws:')}${c.to}`);
      });
      expectAttempt(attempt, c.expect);
      expect(hits.counts()).toEqual(c.hits);
    });
  });
});
