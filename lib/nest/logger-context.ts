/** The `Logger` context of every message this module writes. */
export const CORS_LOGGER_CONTEXT = 'Cors';
