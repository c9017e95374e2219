/** The metadata routing reads: Nest's own keys, and the key by which a handler names itself. */

/** Nest's own metadata keys, spelled as Nest 11 and 12 spell them (`@nestjs/common/constants`). */
export const NEST_METADATA = Object.freeze({
  path: 'path',
  host: 'host',
  version: '__version__',
  modulePath: '__module_path__',
  headers: '__headers__',
});

/**
 * Metadata under which each handler names itself. Nest copies a handler's metadata onto the
 * function it registers with the platform, so a platform route can say which handler it serves.
 */
export const ROUTE_HANDLER_METADATA = 'nestjs-cors:route-handler';
