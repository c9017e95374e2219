import Fastify from 'fastify';
import { FASTIFY_REPLY_HEADERS } from '../../../lib/http/fastify/fastify-reply-headers';
import type { FastifyReplyLike } from '../../../lib/http/fastify/fastify-types';

describe('FASTIFY_REPLY_HEADERS', () => {
  /** A reply of a real Fastify instance, and the names its `header()` was given. */
  async function replyOf(): Promise<{ reply: FastifyReplyLike; names: string[] }> {
    const app = Fastify();
    let captured: FastifyReplyLike | undefined;
    app.get('/', (_request, reply) => {
      captured = reply;
      return reply.send('');
    });
    await app.inject({ method: 'GET', url: '/' });
    await app.close();
    const reply = captured!;
    const names: string[] = [];
    const header = reply.header.bind(reply);
    reply.header = (name: string, value: string) => {
      names.push(name);
      return header(name, value);
    };
    return { reply, names };
  }

  it('hands Fastify names already in lower case, which it keeps as given', async () => {
    const { reply, names } = await replyOf();
    FASTIFY_REPLY_HEADERS.set(reply, 'Access-Control-Allow-Origin', 'https://app.example.com');
    FASTIFY_REPLY_HEADERS.set(reply, 'Vary', 'Origin');
    expect(names).toEqual(['access-control-allow-origin', 'vary']);
    expect(FASTIFY_REPLY_HEADERS.get(reply, 'vary')).toBe('Origin');
    expect(FASTIFY_REPLY_HEADERS.get(reply, 'Access-Control-Allow-Origin')).toBe(
      'https://app.example.com',
    );
  });

  it('lowers a name it has lowered before (from its memory) the same way', async () => {
    const { reply, names } = await replyOf();
    const name = ['Access', 'Control', 'Max', 'Age'].join('-');
    FASTIFY_REPLY_HEADERS.set(reply, name, '1');
    FASTIFY_REPLY_HEADERS.set(reply, name, '2');
    expect(names).toEqual(['access-control-max-age', 'access-control-max-age']);
    expect(FASTIFY_REPLY_HEADERS.get(reply, 'access-control-max-age')).toBe('2');
  });

  it('removes a header whatever the case of the name it is given', async () => {
    const { reply } = await replyOf();
    FASTIFY_REPLY_HEADERS.set(reply, 'Access-Control-Allow-Credentials', 'true');
    FASTIFY_REPLY_HEADERS.remove(reply, 'Access-Control-Allow-Credentials');
    expect(FASTIFY_REPLY_HEADERS.get(reply, 'access-control-allow-credentials')).toBeUndefined();
  });

  it('keeps lowering names beyond its bound, without remembering them', async () => {
    const { reply, names } = await replyOf();
    for (let i = 0; i < 200; i++) FASTIFY_REPLY_HEADERS.set(reply, `X-Name-${i}`, String(i));
    expect(names).toHaveLength(200);
    expect(names.every((name, i) => name === `x-name-${i}`)).toBe(true);
    expect(FASTIFY_REPLY_HEADERS.get(reply, 'x-name-199')).toBe('199');
  });
});
