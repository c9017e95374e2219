import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's nginx is (`apt-get install -y nginx-light`); NGINX_PATH overrides it. */
export const NGINX_PATH = process.env.NGINX_PATH || '/usr/sbin/nginx';

const inCi = !['', 'false', '0'].includes((process.env.CI ?? '').trim().toLowerCase());

/**
 * `describe`, when nginx is installed. Without it the suite fails in CI (CI set, and not "false"
 * or "0"), as the browser suite does without Chromium; elsewhere it is skipped, and says why.
 */
export function describeWithNginx(title: string, body: () => void): void {
  if (existsSync(NGINX_PATH)) {
    describe(title, body);
    return;
  }
  const fix = `apt-get install -y nginx-light (or set NGINX_PATH)`;
  if (inCi) {
    describe(title, () => {
      it('needs nginx', () => {
        throw new Error(`No nginx at ${NGINX_PATH}; CI must run the proxy tests: ${fix}`);
      });
    });
    return;
  }
  console.warn(`${title}: skipped, no nginx at ${NGINX_PATH}; to run it: ${fix}`);
  describe.skip(title, body);
}

/** A running nginx in front of one upstream. */
export interface Nginx {
  /** Where it listens, on 127.0.0.1. */
  readonly port: number;
  /** Stops nginx (its whole process group) and removes its directory. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts nginx in the foreground as a reverse proxy to `http://127.0.0.1:<upstreamPort>`, with
 * `directives` in its `location /` (`proxy_set_header ...;`). Everything it writes (pid, temp
 * paths, its configuration) is in a fresh temporary directory; logs go to stderr, access logs
 * nowhere; so it runs as root or not without touching /var or /etc.
 */
export async function startNginx(
  upstreamPort: number,
  directives: readonly string[],
): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'nestjs-cors-nginx-'));
  const port = await freePort();
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  await writeFile(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      `  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    location / {',
      `      proxy_pass http://127.0.0.1:${upstreamPort};`,
      ...directives.map((line) => `      ${line}`),
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(
    NGINX_PATH,
    [
      '-e',
      'stderr',
      '-p',
      dir,
      '-c',
      join(dir, 'nginx.conf'),
      '-g',
      `daemon off; pid ${join(dir, 'nginx.pid')};`,
    ],
    // Its own process group, so that stop() ends the master and its workers together.
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    await stopGroup(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 5000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not start on 127.0.0.1:${port}: ${stderr.trim() || 'timeout'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { port, stop };
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const killed = setTimeout(() => signal('SIGKILL'), 3000);
  await exited;
  clearTimeout(killed);
}
