/**
 * nestjs-cors/testing: CORS assertions for a user's end-to-end tests, judged the way a browser
 * judges a response (a denied preflight is the absence of approving headers, not a status), with
 * failure messages that name the header that makes the browser refuse.
 *
 * @packageDocumentation
 */
export {
  ActualExpectation,
  CorsExpectationError,
  PreflightExpectation,
  expectCors,
  type ActualOptions,
  type ExpectCorsOptions,
  type PreflightOptions,
} from './expect-cors.js';
export type { ReceivedResponse } from '../client/browser-verdict.js';
export type { CorsTestTarget } from '../client/send.js';
