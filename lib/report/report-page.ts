/** The policy report as an HTML page, with the form that asks a question of the app. */
import type { CorsTrialDifference } from '../policy/trial-difference.js';
import type { CorsTrialCounts } from '../policy/trial-recorder.js';
import {
  FIELD_NAMES,
  type PolicyReport,
  type ReportField,
  type ReportPolicy,
} from './policy-report.js';
import type { OriginCount, RefusalCountsView } from './refusal-counts.js';

/** The heading of each kind of trial difference, in the order the page shows them. */
const DIFFERENCE_HEADINGS: Readonly<Record<CorsTrialDifference, string>> = {
  refuses: 'would refuse',
  allows: 'would allow',
  'drops-credentials': 'would drop credentials',
  'exposes-fewer-headers': 'would expose fewer headers',
  'answers-differently': 'would answer otherwise',
};

/**
 * The report as an HTML page: tables of the routes, `paths` entries and gateways with their
 * policies (each trial on a marked row under its policy), the counts of refusals and of trial
 * differences, and a form that asks the running application whether an origin may do a method on
 * a path. Every value is escaped: paths are the application's own and counted origins are chosen
 * by clients, and a page must trust neither.
 */
export function renderReportPage(report: PolicyReport, askPath: string): string {
  const routes = report.routes
    .map(
      (route) =>
        `<tr><td>${escape(route.method)}</td><td><code>${escape(route.path)}</code></td><td>${escape(route.handler)}</td>${policyCells(route)}</tr>${trialRow(route, 3)}`,
    )
    .join('\n');
  const paths = report.paths
    .map(
      (entry) =>
        `<tr><td><code>${escape(entry.path)}</code></td><td>${escape(entry.where)}</td>${policyCells(entry)}</tr>${trialRow(entry, 2)}`,
    )
    .join('\n');
  const gateways = report.gateways
    .map(
      (gateway) =>
        `<tr><td>${escape(gateway.gateway)}</td><td>${gateway.port === 0 ? "the application's" : escape(String(gateway.port))}</td><td><code>${escape(gateway.path ?? '(default)')}</code></td><td><code>${escape(gateway.namespace)}</code></td>${policyCells(gateway)}</tr>${trialRow(gateway, 4)}`,
    )
    .join('\n');
  const fieldHeadings = FIELD_NAMES.map((name) => `<th>${escape(name)}</th>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CORS policies</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330}
table{border-collapse:collapse;width:100%;margin:12px 0 24px}
th,td{border:1px solid #d5d9e2;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f8}
td small{display:block;color:#6b7385}
td.off{color:#8a5a00;background:#fff7e6}
tr.trial>*{background:#f5f2fc;border-top:1px dashed #8f7ac4}
.trial-label{color:#51378f;font-weight:600}
td.tried{font-weight:600;color:#51378f}
form{display:flex;gap:8px;flex-wrap:wrap;align-items:end}
label{display:flex;flex-direction:column;font-size:12px;color:#4a5263}
input,select,button{font:inherit;padding:4px 6px}
#answer{margin-top:12px;padding:8px 12px;border-radius:4px}
#answer.allowed{background:#e7f6ec;color:#175c2f}
#answer.denied{background:#fdecec;color:#8b1d1d}
</style></head>
<body>
<h1>CORS policies</h1>
<p>Every route, <code>paths</code> entry and WebSocket gateway, its effective policy, and where each field was written. A policy with a trial has it on
the row under it, marked <span class="trial-label">trial</span>: the whole policy it would be, with the fields the trial sets in bold. Responses follow the
policy; the trial is only compared with it. Requests that reach no route and no <code>paths</code> entry get the default policy:</p>
<table id="default"><tr><th></th>${report.defaultPolicy.map((field) => `<th>${escape(field.name)}</th>`).join('')}</tr>
<tr><th>in force</th>${report.defaultPolicy.map((field) => cell(field)).join('')}</tr>${defaultTrialRow(report)}</table>
<h2>Controller routes</h2>
<table id="routes">
<tr><th>method</th><th>path</th><th>handler</th>${fieldHeadings}</tr>
${routes}
</table>
<h2><code>paths</code> entries</h2>
${
  paths === ''
    ? '<p id="paths">None.</p>'
    : `<p>Tried in this order; each covers the path and what lies below it. Controller routes keep their own policy.</p>
<table id="paths">
<tr><th>path</th><th>written as</th>${fieldHeadings}</tr>
${paths}
</table>`
}
<h2>WebSocket gateways</h2>
${
  gateways === ''
    ? '<p id="gateways">None.</p>'
    : `<p>Each handshake is judged by its gateway's policy.</p>
<table id="gateways">
<tr><th>gateway</th><th>port</th><th>path</th><th>namespace</th>${fieldHeadings}</tr>
${gateways}
</table>`
}
<h2>Refusals since ${escape(report.counts.since)}</h2>
${countsSection(report.counts)}
<h2>Trial differences since ${escape(report.counts.trials.since)}</h2>
${trialSection(report.counts.trials)}
<h2>May this origin do this?</h2>
<form id="ask">
<label>origin<input name="origin" value="https://app.example.com" size="32"></label>
<label>method<input name="method" value="PUT" size="8"></label>
<label>path<input name="path" value="/" size="24"></label>
<label>request headers<input name="headers" placeholder="x-token, content-type" size="24"></label>
<label>with credentials<input type="checkbox" name="credentials" value="true"></label>
<button type="submit">Ask</button>
</form>
<div id="answer" role="status"></div>
<script>
document.getElementById('ask').addEventListener('submit', async (event) => {
  event.preventDefault();
  const query = new URLSearchParams(new FormData(event.target));
  const answer = document.getElementById('answer');
  const response = await fetch(${JSON.stringify(askPath).replace(/</g, '\\u003c')} + '?' + query);
  const verdict = await response.json();
  if (!response.ok) {
    answer.className = 'denied';
    answer.textContent = 'Cannot ask this: ' + verdict.error;
    return;
  }
  answer.className = verdict.allowed ? 'allowed' : 'denied';
  answer.textContent = (verdict.allowed
    ? 'Allowed: a browser would send this request.'
    : 'Denied: ' + verdict.reasons.join('; ')) + ' (asked for the host ' + verdict.host + ')';
});
</script>
</body></html>
`;
}

/**
 * The counts: per route, refused requests and preflights with the origins refused most; per
 * gateway, refused handshakes. Origins come from clients: escaped like everything else.
 */
function countsSection(counts: RefusalCountsView): string {
  const routes = counts.routes
    .map(
      (r) =>
        `<tr><td><code>${escape(r.route)}</code></td><td>${r.actualRefused}</td><td>${r.preflightRefused}</td><td>${originList(r.topOrigins)}</td></tr>`,
    )
    .join('\n');
  const gateways = counts.gateways
    .map(
      (g) =>
        `<tr><td>${escape(g.gateway)}</td><td>${g.handshakesRefused}</td><td>${originList(g.topOrigins)}</td></tr>`,
    )
    .join('\n');
  const routeTable =
    routes === ''
      ? '<p id="refusals">No request or preflight refused.</p>'
      : `<table id="refusals">
<tr><th>route</th><th>requests refused</th><th>preflights refused</th><th>origins refused most</th></tr>
${routes}
</table>`;
  const gatewayTable =
    gateways === ''
      ? ''
      : `<table id="handshake-refusals">
<tr><th>gateway</th><th>handshakes refused</th><th>origins refused most</th></tr>
${gateways}
</table>`;
  return routeTable + gatewayTable;
}

/**
 * The trial differences: per route, how many requests its trial would have answered otherwise, in
 * all and per kind, with the (origin, difference) pairs seen most.
 */
function trialSection(trials: CorsTrialCounts): string {
  if (trials.routes.length === 0)
    return '<p id="trial-differences">No request answered differently by a trial.</p>';
  const kinds = Object.keys(DIFFERENCE_HEADINGS) as CorsTrialDifference[];
  const headings = kinds.map((kind) => `<th>${escape(DIFFERENCE_HEADINGS[kind])}</th>`).join('');
  const rows = trials.routes
    .map((r) => {
      const perKind = kinds.map((kind) => `<td>${r.differences[kind] ?? 0}</td>`).join('');
      const pairs = r.topOrigins
        .map(
          (o) =>
            `<code>${escape(o.origin)}</code> ${escape(DIFFERENCE_HEADINGS[o.difference])} ${o.count}`,
        )
        .join('<br>');
      return `<tr><td><code>${escape(r.route)}</code></td><td>${r.total}</td>${perKind}<td>${pairs}</td></tr>`;
    })
    .join('\n');
  return `<p>Requests each route's trial would have answered otherwise; every one was answered by the policy in force.</p>
<table id="trial-differences">
<tr><th>route</th><th>in all</th>${headings}<th>origins and differences seen most</th></tr>
${rows}
</table>`;
}

function originList(origins: readonly OriginCount[]): string {
  return origins.map((o) => `<code>${escape(o.origin)}</code> ${o.count}`).join('<br>');
}

function policyCells(policy: ReportPolicy): string {
  return policy.cors === 'off'
    ? `<td colspan="${FIELD_NAMES.length}" class="off">CORS off</td>`
    : policy.fields.map((field) => cell(field)).join('');
}

/**
 * The row of a policy's trial, under the policy's own (empty when it has none): `leading` cells
 * (the route's method, path, ...) give way to the label.
 */
function trialRow(policy: ReportPolicy, leading: number): string {
  if (policy.cors === 'off' || policy.trial === null) return '';
  return `\n<tr class="trial"><td colspan="${leading}" class="trial-label">trial of the row above</td>${trialCells(policy.fields, policy.trial)}</tr>`;
}

function defaultTrialRow({ defaultPolicy, defaultTrial }: PolicyReport): string {
  if (defaultTrial === null) return '';
  return `\n<tr class="trial"><th class="trial-label">trial</th>${trialCells(defaultPolicy, defaultTrial)}</tr>`;
}

/** A trial's cells, those it sets (unlike the policy's own) marked. */
function trialCells(fields: readonly ReportField[], trial: readonly ReportField[]): string {
  return trial
    .map((field, at) => {
      const own = fields[at];
      const tried = own === undefined || own.value !== field.value || own.from !== field.from;
      return cell(field, tried ? 'tried' : undefined);
    })
    .join('');
}

function cell(field: ReportField, className?: string): string {
  const open = className === undefined ? '<td>' : `<td class="${className}">`;
  return `${open}${escape(field.value)}<small>${escape(field.from)}</small></td>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
