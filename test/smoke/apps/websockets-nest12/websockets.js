// ESM app on Nest 12 with the WebSocket peers installed: a socket.io gateway and a ws gateway
// behind CorsIoAdapter and CorsWsAdapter, each with its own policy; an allowed origin exchanges a
// message, another gets 403 and never reaches the gateway.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Cors, CorsModule } from 'nestjs-cors';
import { CorsIoAdapter } from 'nestjs-cors/socket.io';
import { CorsWsAdapter } from 'nestjs-cors/ws';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import smoke from './cors-app.cjs';

const { APP, assert } = smoke;
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example';

const entry = fileURLToPath(import.meta.resolve('nestjs-cors/socket.io'));
assert(/[\\/]dist[\\/]esm[\\/]websockets[\\/]socket\.io[\\/]index\.js$/.test(entry), entry);
// The CommonJS build of each subpath loads its peer too (through require(esm) on Nest 12).
const require = createRequire(import.meta.url);
assert(typeof require('nestjs-cors/socket.io').CorsIoAdapter === 'function', 'require socket.io');
assert(typeof require('nestjs-cors/ws').CorsWsAdapter === 'function', 'require ws');

let connections = 0;

/** A gateway class, decorated by hand (no TypeScript here); no policy: the module default. */
function gateway(policy, options, answer) {
  class Gateway {
    handleConnection() {
      connections++;
    }
    ping() {
      return answer;
    }
  }
  const ping = Object.getOwnPropertyDescriptor(Gateway.prototype, 'ping');
  Reflect.decorate([SubscribeMessage('ping')], Gateway.prototype, 'ping', ping);
  const policies = policy === undefined ? [] : [Cors(policy)];
  Reflect.decorate([...policies, WebSocketGateway(options)], Gateway);
  return Gateway;
}

async function start(providers, adapter) {
  class AppModule {}
  Reflect.decorate(
    [Module({ imports: [CorsModule.forRoot({ origin: APP })], providers })],
    AppModule,
  );
  const app = await NestFactory.create(AppModule, { logger: false });
  app.useWebSocketAdapter(adapter(app));
  await app.listen(0, '127.0.0.1');
  return { app, port: app.getHttpServer().address().port };
}

function ioPing(port, origin) {
  const socket = io(`http://127.0.0.1:${port}/admin`, {
    transports: ['websocket'],
    extraHeaders: { origin },
    reconnection: false,
  });
  return new Promise((resolve) => {
    socket.once('connect', async () => resolve(await socket.timeout(5000).emitWithAck('ping')));
    socket.once('connect_error', (error) => resolve(`refused: ${error.description?.message}`));
  }).finally(() => socket.disconnect());
}

function wsPing(port, origin) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin });
  return new Promise((resolve) => {
    socket.once('open', () => socket.send(JSON.stringify({ event: 'ping' })));
    socket.once('message', (data) => resolve(JSON.parse(data.toString()).data));
    socket.once('unexpected-response', (_req, res) => resolve(`refused: ${res.statusCode}`));
    // terminate() of a refused socket reports the refusal once more, as an error: nothing new.
    socket.on('error', (error) => resolve(`error: ${error.message}`));
  }).finally(() => socket.terminate());
}

function pollingStatus(port, origin) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/socket.io/?EIO=4&transport=polling', headers: { origin } },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.once('error', reject).end();
  });
}

const ioApp = await start(
  [gateway({ origin: ADMIN }, { namespace: 'admin' }, 'pong')],
  (app) => new CorsIoAdapter(app),
);
try {
  assert((await ioPing(ioApp.port, ADMIN)) === 'pong', 'socket.io: ADMIN exchanges a message');
  const refused = await ioPing(ioApp.port, EVIL);
  assert(refused.includes('403'), `socket.io: EVIL refused with 403, got ${refused}`);
  assert((await pollingStatus(ioApp.port, EVIL)) === 403, 'socket.io: polling 403 for EVIL');
  assert(connections === 1, `socket.io: one connection reached the gateway, got ${connections}`);
} finally {
  await ioApp.app.close();
}

connections = 0;
const wsApp = await start(
  [gateway(undefined, { path: '/ws' }, { event: 'pong', data: 'pong' })],
  (app) => new CorsWsAdapter(app),
);
try {
  assert((await wsPing(wsApp.port, APP)) === 'pong', 'ws: APP exchanges a message');
  const refused = await wsPing(wsApp.port, EVIL);
  assert(refused === 'refused: 403', `ws: EVIL refused with 403, got ${refused}`);
  assert(connections === 1, `ws: one connection reached the gateway, got ${connections}`);
} finally {
  await wsApp.app.close();
}
console.log(`ok: WebSocket adapters, nestjs-cors/socket.io from ${entry}`);
