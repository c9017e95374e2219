import 'reflect-metadata';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigService } from '@nestjs/config';
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

  const settings: PageSettings = {
    apiUrl: `http://${host}:${apiPort}`,
    allowedOrigin: `http://${host}:${pagePort}`,
    otherOrigin: `http://${host}:${otherPagePort}`,
  };
  const pages: Server[] = [
    createPageServer(publicDir, () => settings),
    createPageServer(publicDir, () => settings),
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

  console.log(
    [
      '',
      `nestjs-cors sample, on ${platform}`,
      `  API:                        ${settings.apiUrl}/api`,
      `  Page (allowed origin):      ${settings.allowedOrigin}`,
      `  Page (not allowed origin):  ${settings.otherOrigin}`,
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
