import type { IncomingMessage } from 'node:http';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { CorsPolicies } from '../../lib/nest/cors-policies.service';
import { attachRegistry } from '../../lib/nest/attached-registry';
import { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import { HandshakeJudge } from '../../lib/websockets/handshake-judge';

const APP = 'https://app.example.com';
const QUIET = { error: () => undefined, warn: () => undefined, reportError: () => undefined };

/** An application context with `policies` as its CorsPolicies, and no gateway. */
function judgeWith(policies: CorsPolicies): HandshakeJudge {
  const app = {
    get: (token: unknown) => {
      if (token === CorsPolicies) return policies;
      if (token === ModulesContainer) return new ModulesContainer();
      throw new Error('no such provider');
    },
  } as unknown as INestApplicationContext;
  return new HandshakeJudge(app, 'TestAdapter');
}

function preflight(headers: Record<string, string>): IncomingMessage {
  return {
    method: 'OPTIONS',
    url: '/socket.io/',
    headers: { 'access-control-request-method': 'GET', ...headers },
    socket: {},
  } as unknown as IncomingMessage;
}

describe('HandshakeJudge.judgePreflight', () => {
  it('answers a preflight with the default policy when no gateway is known', async () => {
    const policies = new CorsPolicies();
    attachRegistry(policies, new CorsPolicyRegistry({ origin: APP }, QUIET));
    const verdict = await judgeWith(policies).judgePreflight([], preflight({ origin: APP }));
    expect(verdict?.status).toBe(204);
    expect(verdict?.decision).toMatchObject({ allowed: true, reason: 'allowed' });
  });

  it('approves nothing, and claims no reason, when two origins disagree', async () => {
    const policies = new CorsPolicies();
    attachRegistry(policies, new CorsPolicyRegistry({ origin: APP }, QUIET));
    const verdict = await judgeWith(policies).judgePreflight(
      [],
      preflight({ origin: APP, 'sec-websocket-origin': 'https://evil.example' }),
    );
    expect(verdict).toEqual({ status: 204 });
  });

  it('approves nothing, and claims no reason, before CorsModule has compiled its policies', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const verdict = await judgeWith(new CorsPolicies()).judgePreflight(
      [],
      preflight({ origin: APP }),
    );
    expect(verdict).toEqual({ status: 204 });
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });
});
