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
}

/**
 * Answers the report's question by asking the running application itself: a real preflight to
 * its own address, judged as a browser judges it. So the answer comes from the same router, hook
 * and policies as a browser's would, not from a model of them.
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
  const host = socket.localFamily === 'IPv6' ? `[${socket.localAddress}]` : socket.localAddress;
  const sent: Record<string, string> = { origin, 'access-control-request-method': method };
  if (headers.length > 0) sent['access-control-request-headers'] = headers.join(',');
  let response;
  try {
    response = await send(`http://${host}:${socket.localPort}`, {
      method: 'OPTIONS',
      path,
      headers: sent,
    });
  } catch {
    return json(502, { error: 'the application did not answer its own preflight' });
  }
  const reasons = refusalsOfPreflight(response, { origin, method, headers, credentials });
  const answer: ReportAnswer = { allowed: reasons.length === 0, reasons };
  return json(200, answer);
}

function json(status: number, value: unknown): ServedPage {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}
