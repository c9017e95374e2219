import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPeer } from '../../lib/peers/load-peer.cjs';

/*
 * The adapters' peers are optional: a missing one must be named, with the command that installs it,
 * rather than surface as Node's "Cannot find module" about a package the user never imported.
 */
describe('loadPeer', () => {
  const requirement = {
    adapter: 'CorsIoAdapter',
    packageName: '@nestjs/platform-socket.io',
    install: ['@nestjs/platform-socket.io', '@nestjs/websockets'],
  };

  it('returns the package when it is installed', () => {
    const loaded = loadPeer<{ IoAdapter: unknown }>(requirement);
    expect(typeof loaded.IoAdapter).toBe('function');
  });

  it('resolves a dependency of a dependency through the chain, not the copy beside it', () => {
    // app/ depends on b, which has its own c; another c sits beside b, as when the application
    // installs a Fastify of its own beside the one @nestjs/platform-fastify uses.
    const root = mkdtempSync(join(tmpdir(), 'load-peer-'));
    const write = (path: string, text: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    try {
      write('app/index.js', '');
      write('app/node_modules/b/package.json', '{"name":"b","main":"index.js"}');
      write('app/node_modules/b/index.js', '');
      write('app/node_modules/b/node_modules/c/package.json', '{"name":"c","main":"index.js"}');
      write('app/node_modules/b/node_modules/c/index.js', "module.exports = 'the c of b';");
      write('app/node_modules/c/package.json', '{"name":"c","main":"index.js"}');
      write('app/node_modules/c/index.js', "module.exports = 'the c beside b';");
      const from = [join(root, 'app/index.js'), 'b'];
      expect(loadPeer<string>({ ...requirement, packageName: 'c', from })).toBe('the c of b');
      expect(loadPeer<string>({ ...requirement, packageName: 'c', from: from[0] })).toBe(
        'the c beside b',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names the adapter, the package and what to install when it is missing', () => {
    const missing = { ...requirement, packageName: 'nestjs-cors-no-such-package' };
    let thrown: unknown;
    try {
      loadPeer(missing);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(
      /^CorsIoAdapter needs nestjs-cors-no-such-package: npm install @nestjs\/platform-socket\.io @nestjs\/websockets \(Cannot find module 'nestjs-cors-no-such-package'/,
    );
    expect((thrown as Error).cause).toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });
});
