/** How the module reaches the headers of Fastify's reply: held by the reply, or on its raw one. */
import {
  headerText,
  NODE_RESPONSE_HEADERS,
  type HeaderAccess,
  type NodeResponseLike,
} from '../response-headers.js';
import type { FastifyReplyLike } from './fastify-types.js';

/** Fastify's `reply`. */
export const FASTIFY_REPLY_HEADERS: HeaderAccess<FastifyReplyLike> = {
  get: (reply, name) => headerText(reply.getHeader(name)),
  set: (reply, name, value) => void reply.header(lowerCase(name), value),
  remove: (reply, name) => void reply.removeHeader(lowerCase(name)),
};

/**
 * Names already lower-cased, by name. Fastify keeps a reply's headers under lower-case names and
 * lower-cases each name it is given: a name in lower case comes back as the very same string, any
 * other as a new string at every call, which the reply's header object must then look up by its
 * characters (4 CORS headers: about 300 ns a request against 130, `String.prototype.toLowerCase`
 * and a keyed store, measured). The names written here are the module's own few constants; the
 * bound only keeps a mistake from growing it.
 */
const lowerCased = new Map<string, string>();
const LOWER_CASED_MAX = 64;

function lowerCase(name: string): string {
  let lower = lowerCased.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerCased.size < LOWER_CASED_MAX) lowerCased.set(name, lower);
  }
  return lower;
}

/**
 * Fastify's `reply`, writing on its raw response: for a request that middleware may answer there,
 * which never sends what the reply holds. Fastify merges them in when it answers itself.
 */
export const FASTIFY_RAW_REPLY_HEADERS: HeaderAccess<FastifyReplyLike> = {
  get: (reply, name) => NODE_RESPONSE_HEADERS.get(reply.raw as NodeResponseLike, name),
  set: (reply, name, value) =>
    NODE_RESPONSE_HEADERS.set(reply.raw as NodeResponseLike, name, value),
  remove: (reply, name) => NODE_RESPONSE_HEADERS.remove(reply.raw as NodeResponseLike, name),
};
