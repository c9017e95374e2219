// Proves which Nest install the suite runs against. `npm test` uses the root devDependencies
// (Nest 12); `npm run test:nest11` / `test:nest11:lowest` set NEST_VERSION_DIR so that
// jest.config.cjs redirects @nestjs/*, rxjs and reflect-metadata to test/nest11/<dir>/node_modules.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

interface PackageJson {
  name: string;
  version: string;
}

/** Finds the package.json of the package whose entry point Jest resolves `name` to. */
function resolvedPackage(name: string): PackageJson & { dir: string } {
  let dir = dirname(require.resolve(name));
  for (;;) {
    const candidate = join(dir, 'package.json');
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as PackageJson;
      if (pkg.name === name) return { ...pkg, dir };
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no package.json named ${name} above ${require.resolve(name)}`);
    dir = parent;
  }
}

const versionDir = process.env.NEST_VERSION_DIR;
const expectedMajor = versionDir && /nest11/.test(versionDir) ? 11 : 12;
const core = resolvedPackage('@nestjs/core');

describe(`Nest version in use (NEST_VERSION_DIR=${versionDir ?? '<unset>'})`, () => {
  it(`@nestjs/core is ${expectedMajor}.x (resolved ${core.version})`, () => {
    process.stdout.write(`@nestjs/core ${core.version} from ${core.dir}\n`);
    expect(Number(core.version.split('.')[0])).toBe(expectedMajor);
  });

  it.each(['@nestjs/common', '@nestjs/platform-express', '@nestjs/testing'])(
    '%s has the same major and comes from the same install',
    (name) => {
      const pkg = resolvedPackage(name);
      expect(Number(pkg.version.split('.')[0])).toBe(expectedMajor);
      if (versionDir) {
        expect(pkg.dir.startsWith(resolve(__dirname, '..', versionDir, 'node_modules'))).toBe(true);
      }
    },
  );

  it('boots a Nest application with that install', async () => {
    @Controller()
    class PingController {
      @Get('ping')
      ping(): string {
        return 'pong';
      }
    }

    @Module({ controllers: [PingController] })
    class PingModule {}

    const app = await NestFactory.create(PingModule, { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      const url = await app.getUrl();
      const response = await fetch(`${url.replace('[::1]', '127.0.0.1')}/ping`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('pong');
    } finally {
      await app.close();
    }
  });
});
