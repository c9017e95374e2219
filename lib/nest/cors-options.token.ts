/**
 * Injection token of the options `CorsModule` started with, in their one normal form: what
 * `forRoot()` or `forRootAsync()` was given, with `true` read as `{ origin: '*' }` and a per-request
 * policy function as `{ defaultPolicy: fn }`. Public as `CORS_MODULE_OPTIONS`. The policies in
 * force once `CorsPolicies.replace()` or `watch()` changed them: `CorsPolicies.current()`.
 *
 * @example
 * ```ts
 * constructor(@Inject(CORS_MODULE_OPTIONS) private readonly cors: CorsModuleOptions) {}
 * ```
 */
export const CORS_OPTIONS = Symbol('CORS_MODULE_OPTIONS');
