import 'reflect-metadata';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigService } from '@nestjs/config';
import { CorsPolicies } from 'nestjs-cors';
import { AdminToken } from './admin/admin-token.js';
import { originsInForce } from './admin/origins-in-force.js';
import { choosePlatform, createApi } from './api.js';
import { close, createPageServer, listen, type PageSettings } from './page-server.js';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');

async function main(): Promise<void> {
  const platform = choosePlatform(process.argv.slice(2), process.env.PLATFORM);
  const api = await createApi(platform, { logger: ['error', 'warn', 'log'] });
  const config = api.get(ConfigService);
  const host = config.get<string>('API_HOST', '127.0.0.1');
  const apiPort = Number(config.get<string>('API_PORT', '3000'));
  const pagePort = Number(config.get<string>('PAGE_PORT', '4000'));
  const otherPagePort = Number(config.get<string>('OTHER_PAGE_PORT', '4001'));

  const policies = api.get(CorsPolicies);
  const adminToken = api.get(AdminToken);

  const base = {
    apiUrl: `http://${host}:${apiPort}`,
    allowedOrigin: `http://${host}:${pagePort}`,
    otherOrigin: `http://${host}:${otherPagePort}`,
  };
  // Read at every page load: the admin endpoint may have changed the origins since.
  const settings = (): PageSettings => ({ ...base, allowedOrigins: originsInForce(policies) });
  const pages: Server[] = [
    createPageServer(publicDir, settings),
    createPageServer(publicDir, settings),
  ];

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) process.exit(code);
    stopping = true;
    await Promise.all([...pages.map(close), api.close()]);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const ports: [string, number, () => Promise<unknown>][] = [
    ['API_PORT', apiPort, () => api.listen(apiPort, host)],
    ['PAGE_PORT', pagePort, () => listen(pages[0]!, pagePort, host)],
    ['OTHER_PAGE_PORT', otherPagePort, () => listen(pages[1]!, otherPagePort, host)],
  ];
  for (const [name, port, start] of ports) {
    try {
      await start();
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'is in use' : String(error);
      console.error(
        `\nPort ${port} ${reason}: set ${name} (in sample/.env or the environment) to another port.`,
      );
      await stop(1);
    }
  }

  // A token made at startup is printed, or nobody could use it; a configured one is not.
  const token = adminToken.generated ? adminToken.value : '$CORS_ADMIN_TOKEN';
  console.log(
    [
      '',
      `nestjs-cors sample, on ${platform}`,
      `  API:                        ${base.apiUrl}/api`,
      `  Page (allowed origin):      ${base.allowedOrigin}`,
      `  Page (not allowed origin):  ${base.otherOrigin}`,
      '',
      `To allow ${base.otherOrigin} while the API runs, then reload the page there:`,
      `  curl -X POST ${base.apiUrl}/api/admin/cors/origins \\`,
      `    -H "Authorization: Bearer ${token}" -H 'Content-Type: application/json' \\`,
      `    -d '{"origin":"${base.otherOrigin}"}'`,
      '',
      'Open the page in a browser. Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
