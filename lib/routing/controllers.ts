/** The controllers and handlers of the application, read from Nest's container. */
import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';

/** A controller class with each of its methods, as declared (before any instance exists). */
export interface DeclaredHandler {
  readonly controller: Type;
  readonly methodName: string;
  readonly handler: object;
}

/**
 * Every method of every controller of the application, read from the classes alone, so that it can
 * be used while providers are still being created.
 */
export function declaredHandlers(modules: ModulesContainer): DeclaredHandler[] {
  const handlers: DeclaredHandler[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (typeof controller !== 'function') continue;
      for (
        let prototype = controller.prototype as object | null;
        prototype !== null && prototype !== Object.prototype;
        prototype = Object.getPrototypeOf(prototype) as object | null
      ) {
        for (const methodName of Object.getOwnPropertyNames(prototype)) {
          const descriptor = Object.getOwnPropertyDescriptor(prototype, methodName);
          if (methodName === 'constructor' || typeof descriptor?.value !== 'function') continue;
          handlers.push({ controller, methodName, handler: descriptor.value as object });
        }
      }
    }
  }
  return handlers;
}
