/**
 * The routes registered on a Fastify instance between Nest handing the adapter over and the module
 * setting up, which the module's own `onRoute` hook comes too late to see.
 */
import { noteOf, withNote } from './fastify-route-note.js';
import type { FastifyLike, RouteOptions } from './fastify-types.js';

/**
 * `main.ts` often adds routes on the adapter between `NestFactory.create()` and `app.listen()`,
 * which runs the module's setup, and Fastify shows a route only to the `onRoute` hooks that exist
 * when it is added. So the platform starts noting routes when Nest hands it the adapter, and each
 * noted route gets an empty cell in its note, filled in when the module knows where it leads.
 */
export class EarlyRoutes {
  /** The routes noted so far, while noting. */
  private noted: RouteOptions[] | undefined;
  /** Set once noting has started, and once the routes are handed over: it never starts again. */
  private started = false;

  /** Starts noting the routes registered on `fastify` (once). */
  start(fastify: FastifyLike): void {
    if (this.started) return;
    this.started = true;
    const noted: RouteOptions[] = [];
    this.noted = noted;
    fastify.addHook('onRoute', (options) => {
      if (this.noted !== noted) return;
      const outside = { resolution: undefined, byUrl: undefined };
      options.config = withNote(options.config, { ...noteOf(options.config), outside });
      noted.push(options);
    });
  }

  /** Stops noting, for good, and gives the routes noted until now. */
  handOver(): readonly RouteOptions[] {
    const noted = this.noted ?? [];
    this.noted = undefined;
    this.started = true;
    return noted;
  }
}
