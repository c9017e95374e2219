import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';

/** A stand-in for real authentication: wants `Authorization: Bearer sample-token`. */
@Injectable()
export class AuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    if (request.headers.authorization === 'Bearer sample-token') return true;
    throw new UnauthorizedException('Sign in to see your orders');
  }
}
