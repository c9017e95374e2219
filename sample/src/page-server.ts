import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

/**
 * What the page needs to know, served to it as /config.js. Nothing secret: any site may load
 * /config.js with a `<script>` tag and read what it sets.
 */
export interface PageSettings {
  /** Where the API is, e.g. http://127.0.0.1:3000. */
  readonly apiUrl: string;
  /** The page's origin that the API allows. */
  readonly allowedOrigin: string;
  /** The page's origin that the API does not allow, until the admin endpoint adds it. */
  readonly otherOrigin: string;
  /**
   * The origins the API's default policy lists now (`CorsPolicies.current()`), read again each time
   * the page loads, so that the page knows what to expect on its origin after a change.
   */
  readonly allowedOrigins: readonly string[];
}

const FILES: Readonly<Record<string, readonly [file: string, type: string]>> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/trials.js': ['trials.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

/**
 * A static server for the page in `publicDir` (plain HTML, CSS and JavaScript), plus /config.js.
 * It is a second origin: the page it serves calls the API cross-origin.
 */
export function createPageServer(publicDir: string, settings: () => PageSettings): Server {
  return createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://page').pathname;
    const send = (status: number, type: string, body: string | Buffer) => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, 'text/plain; charset=utf-8', 'Method not allowed');
      return;
    }
    if (path === '/config.js') {
      send(200, FILES['/app.js']![1], `window.SAMPLE = ${JSON.stringify(settings())};\n`);
      return;
    }
    const file = FILES[path];
    if (file === undefined) {
      send(404, 'text/plain; charset=utf-8', 'Not found');
      return;
    }
    readFile(join(publicDir, file[0])).then(
      (body) => send(200, file[1], body),
      (error: unknown) => send(500, 'text/plain; charset=utf-8', String(error)),
    );
  });
}

/** Starts listening; rejects on an error such as a port in use. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** Stops a server, closing idle keep-alive connections too. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
