import { randomBytes } from 'node:crypto';
import { Controller, Get, Headers, Post, Put, Res, UnauthorizedException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Cors } from 'nestjs-cors';

const COOKIE = 'sample_session';

/** Reads one cookie from a Cookie request header. */
function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * A credentialed policy: the module default's origins, plus `credentials: true`, so that a page
 * calling with `fetch(url, { credentials: 'include' })` sends the cookie and may read the answer.
 */
@Cors({ credentials: true })
@Controller('session')
export class SessionController {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Signs in: sets the session cookie (works on Express and Fastify alike). */
  @Post()
  signIn(@Res({ passthrough: true }) response: unknown) {
    const session = randomBytes(4).toString('hex');
    this.adapterHost.httpAdapter.setHeader(
      response,
      'Set-Cookie',
      `${COOKIE}=${session}; Path=/api; HttpOnly; SameSite=Lax; Max-Age=3600`,
    );
    return { signedIn: true, session };
  }

  /** Reads the session cookie back. */
  @Get()
  current(@Headers('cookie') cookie?: string) {
    return { signedIn: true, session: this.session(cookie) };
  }

  /**
   * A write for the signed-in user, as a page sends it: a credentialed cross-origin `PUT`. Nest's
   * CSRF protection (api.ts) refuses such writes, except those that this credentialed policy
   * approved, by name, for the page's origin: `corsTrusted(app)` exempts exactly those.
   */
  @Put()
  renew(@Headers('cookie') cookie?: string) {
    return { renewed: true, session: this.session(cookie) };
  }

  private session(cookie: string | undefined): string {
    const session = readCookie(cookie, COOKIE);
    if (session === undefined) throw new UnauthorizedException('No session cookie');
    return session;
  }
}
