/** What the request hook tells the platform's hook to do once the CORS work is done. */

/** What the platform hook must do once the CORS work for a request is done. */
export type HookOutcome =
  /** Hand the request on to the application. */
  | { readonly kind: 'continue' }
  /** A preflight answered here: end the response with this status and an empty body. */
  | { readonly kind: 'answer'; readonly status: number };

export const CONTINUE: HookOutcome = Object.freeze({ kind: 'continue' });

/**
 * The outcome of answering a preflight, one per status, so that answering allocates nothing. A
 * table of constants filled as each status is first used, not state: an entry depends on its
 * status alone, whichever server or module asked first.
 */
const ANSWERS = new Map<number, HookOutcome>();

export function answerWith(status: number): HookOutcome {
  let answer = ANSWERS.get(status);
  if (answer === undefined) {
    answer = Object.freeze({ kind: 'answer', status });
    ANSWERS.set(status, answer);
  }
  return answer;
}
