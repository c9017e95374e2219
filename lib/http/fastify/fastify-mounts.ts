/**
 * The `paths` entries mounted as Fastify mounts middleware (middie), asked which entry covers a URL
 * that no route serves.
 */
import type { PathPolicy } from '../../routing/path-policies.js';
import type { RouteTarget } from '../../routing/route-record.js';
import { RouteResolution } from '../../routing/route-resolution.js';

/**
 * `@fastify/middie`'s engine (`lib/engine.js`): the matcher behind `fastify.use(path, fn)`, which
 * Nest's Fastify adapter serves `app.use()` with.
 */
export type MiddieEngineFactory = (
  complete: (error: unknown) => void,
  options: MiddieNormalization,
) => {
  use(path: string, fn: (request: object, response: object, next: () => void) => void): unknown;
  run(request: { url: string }, response: object, context: unknown): void;
};

/** The router options middie normalizes paths with. */
export interface MiddieNormalization {
  readonly ignoreDuplicateSlashes?: boolean;
  readonly useSemicolonDelimiter?: boolean;
  readonly ignoreTrailingSlash?: boolean;
}

/** A response stand-in: middie stops at a middleware that marks it finished. */
interface Probe {
  finished: boolean;
  entry: number | undefined;
}

/**
 * The `paths` entries as Fastify mounts middleware: each entry is mounted with `use()` on an
 * engine of middie's own, never run for real, in order; a request path is matched by running that
 * engine on a copy of the request, where the first entry whose mount matches stops it. So a path
 * that no route serves, which only middleware mounted with `app.use()` can answer, falls under the
 * entry middie itself would run.
 */
export class FastifyMounts {
  private readonly engine: ReturnType<MiddieEngineFactory>;
  private readonly resolutions: readonly RouteResolution[];

  constructor(
    private readonly entries: readonly PathPolicy[],
    createEngine: MiddieEngineFactory,
    normalization: MiddieNormalization,
  ) {
    this.engine = createEngine(() => undefined, normalization);
    this.resolutions = entries.map((entry) => RouteResolution.of([entry.target]));
    entries.forEach((entry, index) => {
      this.engine.use(entry.path, (_request, response, next) => {
        const probe = response as Probe;
        probe.entry = index;
        probe.finished = true;
        next();
      });
    });
  }

  /** Where the first entry whose mount matches the request target leads, or `undefined`. */
  resolutionOf(url: string): RouteResolution | undefined {
    const entry = this.entryIndexOf(url);
    return entry === undefined ? undefined : this.resolutions[entry];
  }

  /** The first entry whose mount matches the request target: its index in `paths`, its target. */
  coveringEntry(url: string): { readonly index: number; readonly target: RouteTarget } | undefined {
    const index = this.entryIndexOf(url);
    return index === undefined ? undefined : { index, target: this.entries[index]!.target };
  }

  private entryIndexOf(url: string): number | undefined {
    const probe: Probe = { finished: false, entry: undefined };
    this.engine.run({ url }, probe, undefined);
    return probe.entry;
  }
}
