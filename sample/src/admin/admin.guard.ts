import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { AdminToken } from './admin-token.js';

/** Whether a socket's remote address is this machine: 127.0.0.0/8, ::1, or IPv4-mapped 127.x. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const ipv4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ipv4);
}

/**
 * Lets through only requests from this machine that carry `Authorization: Bearer <token>`.
 *
 * - Loopback only: the address is the socket's (Express and Fastify requests both have `socket`),
 *   not a header such as X-Forwarded-For, which any client can write. It keeps the endpoint off the
 *   network when API_HOST is set to listen on every interface.
 * - The token, because loopback is not enough: a browser on this machine connects from loopback
 *   too, for any page it shows. A page can send a cross-origin POST without asking first (a
 *   `<form>`, or `fetch` with a text/plain body); it cannot send an `Authorization` header without
 *   a preflight, which `@Cors(false)` on the controller makes fail, nor does it know the token.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly token: AdminToken) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{
      socket?: { remoteAddress?: string };
      headers: Record<string, string | string[] | undefined>;
    }>();
    if (!isLoopback(request.socket?.remoteAddress)) {
      throw new ForbiddenException(
        'The admin endpoint answers only on the machine the API runs on',
      );
    }
    const authorization = request.headers.authorization;
    const given =
      typeof authorization === 'string' && authorization.startsWith('Bearer ')
        ? authorization.slice('Bearer '.length)
        : undefined;
    if (given === undefined || !this.token.matches(given)) {
      throw new UnauthorizedException(
        'Send Authorization: Bearer <token>: CORS_ADMIN_TOKEN, or the token printed at startup',
      );
    }
    return true;
  }
}
