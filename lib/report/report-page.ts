/** The policy report as an HTML page, with the form that asks a question of the app. */
import type { PolicyReport, ReportField } from './policy-report.js';

/**
 * The report as an HTML page: a table of routes and their policies, and a form that asks the
 * running application whether an origin may do a method on a path. Every value is escaped: origins
 * and paths are the application's own, but a page must not trust them.
 */
export function renderReportPage(report: PolicyReport, askPath: string): string {
  const rows = report.routes
    .map(
      (route) => `<tr><td>${escape(route.method)}</td><td><code>${escape(route.path)}</code></td>
<td>${escape(route.handler)}</td>${route.fields === null ? '<td colspan="6" class="off">CORS off</td>' : route.fields.map(cell).join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CORS policies</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330}
table{border-collapse:collapse;width:100%;margin:12px 0 24px}
th,td{border:1px solid #d5d9e2;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f8}
td small{display:block;color:#6b7385}
td.off{color:#8a5a00;background:#fff7e6}
form{display:flex;gap:8px;flex-wrap:wrap;align-items:end}
label{display:flex;flex-direction:column;font-size:12px;color:#4a5263}
input,select,button{font:inherit;padding:4px 6px}
#answer{margin-top:12px;padding:8px 12px;border-radius:4px}
#answer.allowed{background:#e7f6ec;color:#175c2f}
#answer.denied{background:#fdecec;color:#8b1d1d}
</style></head>
<body>
<h1>CORS policies</h1>
<p>Every route, its effective policy, and where each field was written. Requests that reach no route
get the default policy:</p>
<table><tr>${report.defaultPolicy.map((field) => `<th>${escape(field.name)}</th>`).join('')}</tr>
<tr>${report.defaultPolicy.map(cell).join('')}</tr></table>
<table>
<tr><th>method</th><th>path</th><th>handler</th><th>origin</th><th>credentials</th><th>methods</th>
<th>allowedHeaders</th><th>exposedHeaders</th><th>maxAge</th></tr>
${rows}
</table>
<h2>May this origin do this?</h2>
<form id="ask">
<label>origin<input name="origin" value="https://app.example.com" size="32"></label>
<label>method<input name="method" value="PUT" size="8"></label>
<label>path<input name="path" value="/" size="24"></label>
<label>request headers<input name="headers" placeholder="x-token, content-type" size="24"></label>
<label>credentials<select name="credentials"><option value="false">no</option><option value="true">yes</option></select></label>
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
  answer.textContent = verdict.allowed
    ? 'Allowed: a browser would send this request.'
    : 'Denied: ' + verdict.reasons.join('; ');
});
</script>
</body></html>
`;
}

function cell(field: ReportField): string {
  return `<td>${escape(field.value)}<small>${escape(field.from)}</small></td>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
