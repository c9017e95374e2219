/**
 * The debug header on a refused response (`debug: true`, outside production): why the request was
 * refused and where the route's policy was written, for the browser's network panel.
 */
import type { CorsDecision } from '../engine/index.js';
import type { PolicyHandle } from '../policy/policy-handle.js';
import { refusalReasonOf } from '../policy/cors-events.js';
import type { RouteResolution } from '../routing/route-resolution.js';

/**
 * The header's name. Never listed in `Access-Control-Expose-Headers`: DevTools shows it on the
 * refused response, but no script of the page can read it.
 */
export const REFUSAL_HEADER = 'X-Cors-Refused';

/**
 * The header's value for one refusal; present in the request handler's settings only where the
 * header is on. Called only for a refused cross-origin request or preflight.
 */
export type RefusalExplainer = (
  decision: CorsDecision,
  route: RouteResolution | undefined,
  handle: PolicyHandle,
) => string;

/** The longest `policy` part written; the places a policy was written fit in far less. */
const MAX_PLACES_LENGTH = 200;

/** A reason code as the engine writes it: lowercase words joined by hyphens. */
const REASON_CODE = /^[a-z]+(?:-[a-z]+)*$/;

/**
 * `<reason>; policy="<places>"`, such as `origin-not-allowed; policy="ItemsController.update,
 * CorsModule options"`: visible ASCII only, whatever the places hold.
 *
 * The reason is the engine's code alone: `header-not-allowed: x-foo` loses its header name, which
 * the client chose (the `debug` log line names it). `places` comes from the configuration (class,
 * method and policy names, `paths` keys), which may hold any character: it is quoted, a quote or
 * backslash escaped, anything outside visible ASCII written as `?`, and cut at 200 characters.
 */
export function refusalHeaderValue(reason: string, places: string): string {
  // The code as events give it (`header-not-allowed` without the client's name); anything else
  // (a reason no engine writes) as `refused`.
  const code: string = refusalReasonOf(reason as CorsDecision['reason']).reason;
  const safeCode = REASON_CODE.test(code) ? code : 'refused';
  let quoted = '';
  const length = Math.min(places.length, MAX_PLACES_LENGTH);
  for (let i = 0; i < length; i++) {
    const char = places.charCodeAt(i);
    if (char === 0x22 || char === 0x5c) quoted += `\\${places[i]!}`;
    else quoted += char >= 0x20 && char <= 0x7e ? places[i]! : '?';
  }
  if (places.length > MAX_PLACES_LENGTH) quoted += '...';
  return `${safeCode}; policy="${quoted}"`;
}
