/** The WebSocket gateways of the application, their servers and namespaces, read from Nest's metadata. */
import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { CORS_POLICY_METADATA } from '../policy/policy-metadata.js';

/**
 * `@nestjs/websockets` metadata keys, spelled as Nest 11 and 12 spell them (its `constants`). Read
 * by string so that nothing here imports `@nestjs/websockets`, an optional peer.
 */
const GATEWAY_METADATA = 'websockets:is_gateway';
const PORT_METADATA = 'port';
const GATEWAY_OPTIONS = 'websockets:gateway_options';

/** A namespace as socket.io takes it: a name, a regex, or a function that accepts names. */
export type NamespaceKey = string | object;

/** One `@WebSocketGateway()` class, and where Nest serves it. */
export interface Gateway {
  readonly type: Type;
  /** `0` for the application's own HTTP server. */
  readonly port: number;
  /** The `path` option as written (`undefined` for the library's default). */
  readonly path: unknown;
  /** The namespace, `'/'` for none, as Nest hands it to the adapter (with a leading slash). */
  readonly namespace: NamespaceKey;
  /** The gateway's options as written in `@WebSocketGateway()`. */
  readonly options: Readonly<Record<string, unknown>>;
  /** `@Cors(false)`: its handshakes are not checked at all. */
  readonly corsOff: boolean;
}

/**
 * Every gateway class of the application, once each, in module order. Nest connects exactly the
 * class providers whose metatype carries the gateway metadata, so those are the ones listed.
 */
export function findGateways(modules: ModulesContainer): Gateway[] {
  const seen = new Set<Type>();
  const gateways: Gateway[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) {
      const type = wrapper.metatype as Type | null | undefined;
      if (typeof type !== 'function' || wrapper.isNotMetatype || seen.has(type)) continue;
      if (Reflect.getMetadata(GATEWAY_METADATA, type) !== true) continue;
      seen.add(type);
      const options = (Reflect.getMetadata(GATEWAY_OPTIONS, type) ?? {}) as Record<string, unknown>;
      gateways.push({
        type,
        port: (Reflect.getMetadata(PORT_METADATA, type) as number | undefined) || 0,
        path: options.path,
        namespace: namespaceKey(options.namespace),
        options,
        corsOff: Reflect.getMetadata(CORS_POLICY_METADATA, type) === false,
      });
    }
  }
  return gateways;
}

/**
 * A namespace as the adapter receives it: Nest adds a leading slash to a name, and a gateway
 * without one (or with `''`) is served by the main namespace, `'/'`. A regex or a function is kept
 * as it is, and compared by identity.
 */
export function namespaceKey(namespace: unknown): NamespaceKey {
  if (namespace === undefined || namespace === null || namespace === '') return '/';
  if (typeof namespace === 'string') return namespace.startsWith('/') ? namespace : `/${namespace}`;
  return namespace;
}
