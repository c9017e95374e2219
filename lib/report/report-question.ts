/** The report's question answered by a real preflight to the application itself. */
import type { IncomingMessage } from 'node:http';
import type { ServedPage } from '../http/http-platform.js';
import { refusalsOfPreflight } from '../client/browser-verdict.js';
import { send } from '../client/send.js';
import { readReportQuestion } from './report-query.js';

/** The answer to "may this origin do this method on this path?". */
export interface ReportAnswer {
  readonly allowed: boolean;
  /** Why a browser would refuse, one line per refusing header; empty when allowed. */
  readonly reasons: readonly string[];
  /** The host the preflight was sent for: the one the page was requested with. */
  readonly host: string;
}

/**
 * The headers of the page's request that say which host it was for, carried on the preflight: the
 * host decides the answer wherever a controller is bound to a host or a per-request policy reads
 * it. `X-Forwarded-*` count as the application counts them: only where it trusts the proxy.
 */
const FORWARDED_HEADERS = ['x-forwarded-host', 'x-forwarded-proto'] as const;

/** Bound on a carried header: far beyond a real host, and what Node's client will send. */
const MAX_CARRIED_LENGTH = 1024;
const CARRIABLE = /^[\x20-\x7e]*$/;

/**
 * Answers the report's question by asking the running application itself: a real preflight to
 * its own address, judged as a browser judges it. So the answer comes from the same router, hook
 * and policies as a browser's would, not from a model of them. The preflight carries the host the
 * page was requested with (its `Host`, or `:authority` over HTTP/2, and the `X-Forwarded-Host` and
 * `-Proto` a proxy added), so that a host-bound controller or a per-tenant policy answers as it
 * would for the browser, not for the socket's own address.
 *
 * Every parameter is checked first, and a question that cannot be sent as a preflight is answered
 * 400 with `{ error }` saying which parameter and why: its values become the preflight's request
 * line and headers, where CR/LF or non-ASCII would make Node refuse to send it (or, unchecked,
 * split it into two requests).
 */
export async function answerReportQuestion(request: IncomingMessage): Promise<ServedPage> {
  const question = readReportQuestion(request.url ?? '/');
  if (typeof question === 'string') return json(400, { error: question });
  const { origin, method, path, headers, credentials } = question;
  const socket = request.socket;
  const address = socket.localFamily === 'IPv6' ? `[${socket.localAddress}]` : socket.localAddress;
  const own = `${address}:${socket.localPort}`;
  const sent: Record<string, string> = { origin, 'access-control-request-method': method };
  if (headers.length > 0) sent['access-control-request-headers'] = headers.join(',');
  const carried = hostHeadersOf(request);
  if (typeof carried === 'string') return json(400, { error: carried });
  Object.assign(sent, carried);
  const host = sent.host ?? own;
  let response;
  try {
    response = await send(`http://${own}`, { method: 'OPTIONS', path, headers: sent });
  } catch {
    return json(502, { error: 'the application did not answer its own preflight' });
  }
  const reasons = refusalsOfPreflight(response, { origin, method, headers, credentials });
  const answer: ReportAnswer = { allowed: reasons.length === 0, reasons, host };
  return json(200, answer);
}

/**
 * The page request's host headers, to go out on the preflight, or why one cannot. Node's parsers
 * have refused CR/LF already; what is left to refuse is what its client will not send.
 */
function hostHeadersOf(request: IncomingMessage): Record<string, string> | string {
  const carried: Record<string, string> = {};
  // HTTP/2 has no Host header, as a browser sends it: the authority stands for it.
  const host = request.headers.host ?? request.headers[':authority'];
  const candidates: [string, unknown][] = [
    ['host', host],
    ...FORWARDED_HEADERS.map((name): [string, unknown] => [name, request.headers[name]]),
  ];
  for (const [name, value] of candidates) {
    if (typeof value !== 'string') continue;
    if (value.length > MAX_CARRIED_LENGTH || !CARRIABLE.test(value))
      return `the page was requested with a ${name} header the preflight cannot carry (over ${MAX_CARRIED_LENGTH} characters, or with a control character or a character outside ASCII): request the page by a host name in ASCII (an international domain name in its xn-- form)`;
    carried[name] = value;
  }
  return carried;
}

function json(status: number, value: unknown): ServedPage {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}
