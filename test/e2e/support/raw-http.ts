import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Server } from 'node:net';

/**
 * One request as it goes on the wire. `target` is the request-target exactly as written on the
 * request line: no parsing, resolving or re-encoding, so `/a/./b`, `%2F` or `;a=b` reach the server
 * as they are. Node's client only refuses targets with bytes outside 0x21-0xFF.
 */
export interface RawRequest {
  readonly method: string;
  readonly target: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What came back, with header names in lower case and repeated headers joined. */
export interface RawResponse {
  /** The status code, or 0 when no response came back (see `error`). */
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  /** Why there is no response: a reset connection, a timeout. */
  readonly error?: string;
}

/**
 * Sends requests over real HTTP on keep-alive connections. Test clients such as supertest resolve
 * and re-encode URLs before sending them, which would hide exactly the targets a router treats
 * differently from a copy of its matching; `http.request` writes the target byte for byte.
 */
export class RawHttpClient {
  private readonly agent: Agent;

  /**
   * @param port where the server listens, on 127.0.0.1.
   * @param maxSockets connections kept open at once; requests beyond them wait for a free one.
   */
  constructor(
    private readonly port: number,
    maxSockets = 8,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** Sends one request; resolves with `status: 0` and `error` rather than rejecting. */
  async send(sent: RawRequest): Promise<RawResponse> {
    const received = await this.attempt(sent, this.agent);
    // A server may close a kept-alive connection just as the next request goes out on it; that
    // race says nothing about the request, so it gets one more try, on a connection of its own.
    return received.error === 'ECONNRESET' ? this.attempt(sent, false) : received;
  }

  /**
   * Sends every request with at most `concurrency` in flight, starting them in list order, and
   * resolves with the responses in the same order as the requests.
   */
  async sendAll(sent: readonly RawRequest[], concurrency = 8): Promise<RawResponse[]> {
    const received = new Array<RawResponse>(sent.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < sent.length) {
        const index = next++;
        received[index] = await this.send(sent[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, sent.length) }, worker));
    return received;
  }

  /** Closes the kept-alive connections, so that the server can close without waiting for them. */
  close(): void {
    this.agent.destroy();
  }

  private attempt(
    { method, target, headers = {} }: RawRequest,
    agent: Agent | false,
  ): Promise<RawResponse> {
    return new Promise((resolve) => {
      const settle = (response: RawResponse) => resolve(response);
      let outgoing;
      try {
        outgoing = request({
          host: '127.0.0.1',
          port: this.port,
          method,
          path: target,
          // An explicit empty body: without it Node sends POST, PUT and PATCH chunked, and a body
          // parser may then answer before the route (415, 400) and hide which handler serves it.
          headers: { 'content-length': '0', ...headers },
          agent,
        });
      } catch (error) {
        settle({ status: 0, headers: {}, body: '', error: (error as Error).message });
        return;
      }
      outgoing.setTimeout(10_000, () => outgoing.destroy(new Error('timeout')));
      outgoing.on('error', (error: NodeJS.ErrnoException) =>
        settle({ status: 0, headers: {}, body: '', error: error.code ?? error.message }),
      );
      outgoing.on('response', (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', (error) =>
          settle({ status: 0, headers: {}, body: '', error: error.message }),
        );
        incoming.on('end', () =>
          settle({
            status: incoming.statusCode ?? 0,
            headers: flatten(incoming.headers),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      outgoing.end();
    });
  }
}

/** The port a started server listens on. */
export function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error(`The server does not listen on a TCP port: ${String(address)}`);
  return address.port;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers))
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
