/**
 * Injection token of the module's options in their one normal form: what `forRoot()` or
 * `forRootAsync()` was given, with `true` and a policy function turned into options.
 */
export const CORS_OPTIONS = Symbol('CORS_OPTIONS');
