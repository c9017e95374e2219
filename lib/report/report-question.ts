import type { IncomingMessage } from 'node:http';
import { refusalsOfPreflight } from '../testing/browser-verdict.js';
import { send } from '../testing/send.js';

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
 */
export async function answerReportQuestion(request: IncomingMessage): Promise<ReportAnswer> {
  const query = new URL(request.url ?? '/', 'http://report.invalid').searchParams;
  const origin = query.get('origin') ?? '';
  const method = query.get('method') ?? 'GET';
  const path = query.get('path') ?? '/';
  const headers = (query.get('headers') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (!path.startsWith('/') || origin === '') {
    return { allowed: false, reasons: ['give an origin, and a path that starts with "/"'] };
  }
  const socket = request.socket;
  const host = socket.localFamily === 'IPv6' ? `[${socket.localAddress}]` : socket.localAddress;
  const sent: Record<string, string> = { origin, 'access-control-request-method': method };
  if (headers.length > 0) sent['access-control-request-headers'] = headers.join(',');
  const response = await send(`http://${host}:${socket.localPort}`, {
    method: 'OPTIONS',
    path,
    headers: sent,
  });
  const reasons = refusalsOfPreflight(response, {
    origin,
    method,
    headers,
    credentials: query.get('credentials') === 'true',
  });
  return { allowed: reasons.length === 0, reasons };
}
