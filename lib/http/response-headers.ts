/**
 * Response headers: how they are reached (Node's response here, Fastify's reply in
 * `fastify/fastify-reply-headers.ts`), and the one place CORS headers are written.
 */
import { appendVary, type CorsDecision, type CorsHeader } from '../engine/index.js';
import { REFUSAL_HEADER } from './refusal-header.js';

/**
 * Reads and writes one platform's response headers. The request hook, the guard and the
 * interceptor write CORS headers through it, so that the CORS logic is written once. One object
 * per platform serves every request: nothing is allocated per request to reach the headers.
 */
export interface HeaderAccess<R> {
  get(response: R, name: string): string | undefined;
  set(response: R, name: string, value: string): void;
  remove(response: R, name: string): void;
}

/** The parts of Node's response (Express writes headers straight onto it) used here. */
export interface NodeResponseLike {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): void;
}

/** Express's `res`, and any Node `ServerResponse`. */
export const NODE_RESPONSE_HEADERS: HeaderAccess<NodeResponseLike> = {
  get: (response, name) => headerText(response.getHeader(name)),
  set: (response, name, value) => void response.setHeader(name, value),
  remove: (response, name) => response.removeHeader(name),
};

/** Writes a decision's headers and appends its `Vary` names to whatever `Vary` is there. */
export function applyDecision<R>(
  access: HeaderAccess<R>,
  response: R,
  decision: CorsDecision,
): void {
  writeCorsHeaders(access, response, decision.headers, decision.vary);
}

/**
 * Sets `headers`, replacing any earlier value, and appends `varyNames` (comma-separated, `''` for
 * none) to whatever `Vary` is there: how every CORS answer is written, HTTP routes and socket.io
 * polling alike.
 */
export function writeCorsHeaders<R>(
  access: HeaderAccess<R>,
  response: R,
  headers: readonly CorsHeader[],
  varyNames: string,
): void {
  // An index, not `for...of` with destructuring: the array iterator cost 800 to 1,200 instructions
  // a request on the hook's path (bench/cors-get-hook-instructions.mjs).
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    access.set(response, header[0], header[1]);
  }
  if (varyNames === '') return;
  const vary = appendVary(access.get(response, 'vary'), varyNames);
  if (vary !== undefined) access.set(response, 'Vary', vary);
}

/**
 * Writes the debug header of a refusal (see `refusal-header.ts`), right after the refusal's own
 * headers, through the same access.
 */
export function writeRefusalHeader<R>(access: HeaderAccess<R>, response: R, value: string): void {
  access.set(response, REFUSAL_HEADER, value);
}

/** A header's value as the platform holds it (a number, a list), as one string. */
export function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? value.join(', ') : undefined;
}
