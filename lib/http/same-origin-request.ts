/**
 * Whether an HTTP request comes from the server's own origin, as its platform addressed it: what
 * `enforce` and the trials ask before treating a request as cross-origin.
 */
import type { IncomingMessage } from 'node:http';
import { isSameOrigin, requestAuthorityOf } from '../engine/index.js';

/**
 * Whether the request comes from the server's own origin, judged by the origin the platform says it
 * was addressed to (`:authority` on HTTP/2; forwarded host and scheme under trust proxy), or by the
 * browser's `Sec-Fetch-Site` where sent. A request without `Origin` is not cross-origin.
 *
 * @param platformRequest the platform's request object (Express's `req`, Fastify's `request`).
 * @param request the raw Node request behind it.
 */
export function isSameOriginRequest(platformRequest: object, request: IncomingMessage): boolean {
  const site: unknown = request.headers['sec-fetch-site'];
  return isSameOrigin(
    request.headers.origin,
    requestAuthorityOf(platformRequest),
    typeof site === 'string' ? site : undefined,
  );
}
