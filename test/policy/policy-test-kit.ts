import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { CorsConfigurationError } from '../../lib';
import { decideActual, type CompiledCorsPolicy, type CorsDecision } from '../../lib/engine';
import { internalsOf } from '../../lib/engine/model/compiled-policy-internals';
import type { CorsPolicyRegistry } from '../../lib/policy/cors-policy-registry';
import type { PolicyHandle } from '../../lib/policy/policy-handle';
import type { RequestPolicyLog } from '../../lib/policy/request-policy';

/** Helpers shared by the specs of test/policy. */

/** The methods a compiled policy lists, in order (`undefined` when it allows any). */
export function methodsOf(policy: CompiledCorsPolicy<never>): string[] | undefined {
  const rule = internalsOf(policy).methodRule;
  return rule.kind === 'listed' ? [...rule.allowed] : undefined;
}

/** A log that drops everything. */
export const QUIET: RequestPolicyLog = {
  error: () => undefined,
  warn: () => undefined,
  reportError: () => undefined,
};

/** A log whose calls the test reads. */
export function recordingLog() {
  return {
    error: jest.fn<void, [string, unknown]>(),
    warn: jest.fn<void, [string]>(),
    reportError: jest.fn(),
  } satisfies RequestPolicyLog;
}

/** The error `run` throws, which must be a CorsConfigurationError. */
export function refusal(run: () => unknown): CorsConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigurationError);
    return error as CorsConfigurationError;
  }
  throw new Error('expected a CorsConfigurationError');
}

/** The codes of a refusal's problems. */
export function codesOf(run: () => unknown): string[] {
  return refusal(run).problems.map((problem) => problem.code);
}

/** The handle `registry` resolves for `controller.method`. */
export function handleOf(
  registry: CorsPolicyRegistry,
  controller: Type,
  method: string,
): PolicyHandle {
  const handler = (controller.prototype as Record<string, object>)[method]!;
  const handle = registry.resolve(controller, handler, method);
  if (handle === null) throw new Error(`${controller.name}.${method} has CORS switched off`);
  return handle;
}

/** A decision that must have been made synchronously. */
export function now(decision: CorsDecision | Promise<CorsDecision>): CorsDecision {
  expect(decision).not.toBeInstanceOf(Promise);
  return decision as CorsDecision;
}

/** Whether a policy approves an actual request from `origin` (synchronously). */
export function allows(policy: CompiledCorsPolicy<unknown> | undefined, origin: string): boolean {
  if (policy === undefined) throw new Error('the policy is computed per request');
  return now(decideActual(policy, origin)).allowed;
}

/** The header `name` of the approved actual request from `origin`, if any. */
export function headerOf(
  policy: CompiledCorsPolicy<unknown>,
  origin: string,
  name: string,
): string | undefined {
  return now(decideActual(policy, origin)).headers.find(([header]) => header === name)?.[1];
}

/** A platform request as a per-request policy reads it. */
export function request(headers: Record<string, string> = {}) {
  return { headers };
}

/** A promise whose settling the test controls. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}
