/**
 * The two things the request hook, the guard and the interceptor do to a response, whatever the
 * platform: read a header and set one. Express's `res` and Fastify's `reply` each get a small
 * adapter, so the CORS logic is written once.
 */
export interface ResponseHeaders {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  remove(name: string): void;
}

/** The parts of Node's response (Express writes headers straight onto it) used here. */
interface NodeResponseLike {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): void;
}

/** The parts of Fastify's reply used here: it keeps headers until it sends them. */
export interface FastifyReplyLike {
  raw: unknown;
  getHeader(name: string): unknown;
  header(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
  code(status: number): FastifyReplyLike;
  send(payload?: unknown): unknown;
}

export function nodeResponseHeaders(response: NodeResponseLike): ResponseHeaders {
  return {
    get: (name) => headerText(response.getHeader(name)),
    set: (name, value) => void response.setHeader(name, value),
    remove: (name) => response.removeHeader(name),
  };
}

export function fastifyResponseHeaders(reply: FastifyReplyLike): ResponseHeaders {
  return {
    get: (name) => headerText(reply.getHeader(name)),
    set: (name, value) => void reply.header(name, value),
    remove: (name) => void reply.removeHeader(name),
  };
}

/** The headers of whatever response object a guard or an interceptor was given. */
export function responseHeadersOf(response: unknown): ResponseHeaders {
  return isFastifyReply(response)
    ? fastifyResponseHeaders(response)
    : nodeResponseHeaders(response as NodeResponseLike);
}

function isFastifyReply(response: unknown): response is FastifyReplyLike {
  return (
    typeof response === 'object' &&
    response !== null &&
    'raw' in response &&
    typeof (response as FastifyReplyLike).code === 'function'
  );
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? value.join(', ') : undefined;
}
