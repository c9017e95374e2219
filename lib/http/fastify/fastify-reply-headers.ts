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
  set: (reply, name, value) => void reply.header(name, value),
  remove: (reply, name) => void reply.removeHeader(name),
};

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
