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
