import type { ConfigService } from '@nestjs/config';
import type { CorsModuleOptions } from 'nestjs-cors';

/** A comma-separated list from the environment, without empty entries. */
function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * The CORS configuration, from the environment (see `.env.example`), with defaults so that the
 * sample runs without a `.env` file. `CorsModule.forRootAsync` calls it with the `ConfigService`.
 */
export function corsOptions(config: ConfigService): CorsModuleOptions {
  const pageOrigin = `http://${config.get('API_HOST', '127.0.0.1')}:${config.get('PAGE_PORT', '4000')}`;
  return {
    // The module default: every route gets it unless @Cors() says otherwise.
    origin: list(config.get<string>('CORS_ORIGINS', pageOrigin)),
    maxAge: Number(config.get<string>('CORS_MAX_AGE', '600')),
    // Named policies, for @Cors('name'). Each is complete on its own.
    policies: {
      public: { origin: '*' },
    },
    debug: config.get<string>('CORS_DEBUG', 'false') === 'true',
  };
}
