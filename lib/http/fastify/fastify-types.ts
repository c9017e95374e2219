/**
 * The parts of Fastify's public API that the Fastify seam uses, as structural types: the module
 * does not import Fastify, whose release is the application's choice.
 */
import type { IncomingMessage } from 'node:http';

/** The parts of Fastify's reply used here: it keeps headers until it sends them. */
export interface FastifyReplyLike {
  raw: unknown;
  getHeader(name: string): unknown;
  header(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
  code(status: number): FastifyReplyLike;
  send(payload?: unknown): unknown;
}

/** A route's `config`, as Fastify hands it to `onRoute` hooks and to requests. */
export type RouteConfig = Record<string | symbol, unknown>;

/** The parts of Fastify's route options that `onRoute` hooks see. */
export interface RouteOptions {
  method: string | string[];
  url: string;
  config?: RouteConfig;
  constraints?: Record<string, unknown>;
  handler: RouteHandler;
}

export type RouteHandler = (this: unknown, request: unknown, reply: FastifyReplyLike) => unknown;

export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  /** Whether the router found no route: the not-found handler runs, or middleware answers. */
  readonly is404: boolean;
  readonly params: unknown;
  readonly routeOptions: {
    readonly config: RouteConfig;
    readonly url?: string;
    readonly method?: string | string[];
  };
}

export type Done = (error?: Error) => void;

export type OnRequestHook = (
  request: FastifyRequestLike,
  reply: FastifyReplyLike,
  done: Done,
) => void;

/** A find-my-way constraint strategy, as `addConstraintStrategy()` takes it. */
export interface ConstraintStrategy {
  name: string;
  mustMatchWhenDerived: boolean;
  /** One per node of the router's tree: which of the node's routes (a bit mask) a value matches. */
  storage(): { get(value: unknown): number | null; set(value: unknown, routes: number): void };
  deriveConstraint(request: IncomingMessage): string | undefined;
}

export interface FastifyLike {
  addHook(name: 'onRequest', hook: OnRequestHook): unknown;
  addHook(name: 'onRoute', hook: (options: RouteOptions) => void): unknown;
  addHook(name: 'onReady', hook: (done: () => void) => void): unknown;
  addConstraintStrategy(strategy: ConstraintStrategy): void;
  hasConstraintStrategy(name: string): boolean;
  route(options: RouteOptions): unknown;
  /** Fastify 4.23 and later: what the router finds for a method and URL, `null` for nothing. */
  findRoute?(options: { method: string; url: string }): unknown;
  after?(callback: (error?: Error | null) => void): unknown;
  hasPlugin?(name: string): boolean;
  readonly initialConfig?: Readonly<Record<string, unknown>>;
}
