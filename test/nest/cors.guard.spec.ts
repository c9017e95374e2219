import 'reflect-metadata';
import { ForbiddenException, type ExecutionContext, type Type } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { buildPolicy } from '../../lib/engine/build-policy';
import { decideActual, type CorsDecision } from '../../lib/engine';
import { keepHookDecision } from '../../lib/http/hook-decisions';
import type { HeaderAccess } from '../../lib/http/response-headers';
import { CorsGuard } from '../../lib/nest/cors.guard';
import { HandlerPolicies, HandlerTable } from '../../lib/nest/handler-policies';
import { PolicyHandle } from '../../lib/policy/policy-handle';

const APP = 'https://app.example.com';
class Items {
  list() {}
}
const NO_HEADERS: HeaderAccess<unknown> = { get: () => undefined, set: () => {}, remove: () => {} };

function guardFor(handle: PolicyHandle, enforce: boolean): CorsGuard {
  const table = new HandlerTable();
  table.set(Items as Type, Items.prototype.list, {
    policy: handle,
    uncertain: false,
    overwritesCorsHeaders: false,
  });
  const handlers = new HandlerPolicies();
  handlers.fill({ rawRequest: (r) => r as IncomingMessage, responseHeaders: NO_HEADERS }, table);
  return new CorsGuard(handlers, enforce);
}

function contextOf(request: IncomingMessage): ExecutionContext {
  return {
    getType: () => 'http',
    getClass: () => Items,
    getHandler: () => Items.prototype.list,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

const crossOrigin = () =>
  ({
    method: 'GET',
    headers: { origin: APP, host: 'api.example.com' },
  }) as unknown as IncomingMessage;

describe('CorsGuard with the request hook’s decision', () => {
  const allowsApp = buildPolicy({ origin: APP });
  const allowsNone = buildPolicy({ origin: 'https://other.example' });
  const allowed = decideActual(allowsApp, APP) as CorsDecision;
  const denied = decideActual(allowsNone, APP) as CorsDecision;

  it('enforces the hook’s decision made with the handler’s policy, not deciding again', () => {
    const request = crossOrigin();
    // A denial kept for the very policy that would allow: only a reused decision refuses.
    keepHookDecision(request, allowsApp, denied);
    const guard = guardFor(new PolicyHandle('app', allowsApp), true);
    expect(() => guard.canActivate(contextOf(request))).toThrow(ForbiddenException);
  });

  it('decides with the new policy after CorsPolicies.replace() between hook and guard', () => {
    const request = crossOrigin();
    const handle = new PolicyHandle('app', allowsApp);
    keepHookDecision(request, allowsApp, allowed);
    handle.set(allowsNone);
    expect(() => guardFor(handle, true).canActivate(contextOf(request))).toThrow(
      ForbiddenException,
    );
  });

  it('lets a request the current policy allows through', () => {
    const request = crossOrigin();
    keepHookDecision(request, allowsApp, allowed);
    expect(guardFor(new PolicyHandle('app', allowsApp), true).canActivate(contextOf(request))).toBe(
      true,
    );
  });
});
