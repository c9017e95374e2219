/**
 * The policy report's server: the page at the path `CorsModule.forRoot({ report })` names, its JSON
 * for tools, and the page's question, on the platform the module set up.
 */
import type { HttpPlatform, ServedPage } from '../http/http-platform.js';
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import type { CorsPolicyMetadata } from '../policy/policy-metadata.js';
import type { Gateway } from '../routing/gateways.js';
import type { RouteRecord } from '../routing/route-record.js';
import { buildPolicyReport, type PolicyReport } from './policy-report.js';
import { reportedPaths } from './reported-paths.js';
import { RefusalCounts } from './refusal-counts.js';
import { renderReportPage } from './report-page.js';
import { answerReportQuestion } from './report-question.js';

/** What the report reads of the module's setup. */
export interface ReportedSetup {
  readonly platform: HttpPlatform;
  readonly registry: CorsPolicyRegistry;
  readonly records: readonly RouteRecord[];
  /**
   * The module's `paths` option as written. The report lists no entry without it: the module
   * hands it with the setup.
   */
  readonly paths?: Readonly<Record<string, CorsPolicyMetadata>>;
  /** The application's WebSocket gateways (`findGateways`). None are listed without them. */
  readonly gateways?: readonly Gateway[];
}

/** Serves the report at `path`, warning when that happens in production. */
export function serveReport(
  setup: ReportedSetup,
  path: string,
  warn: (message: string) => void,
): void {
  const { platform, registry, records, gateways } = setup;
  const paths = reportedPaths(setup.paths);
  // Counted only where the report is served: then a refusal costs one more listener call.
  const counts = new RefusalCounts();
  counts.listen(registry.events);
  // Trial differences are counted by the registry always; read afresh for every report.
  servePolicyReport(platform, path, () =>
    buildPolicyReport(records, registry, {
      paths,
      gateways,
      counts: counts.view(registry.trials.counts()),
    }),
  );
  if (process.env.NODE_ENV === 'production') {
    warn(
      `The CORS policy report is served at ${path} in production: it lists every route and policy to anyone who asks. Remove the report option outside development.`,
    );
  }
}

/**
 * Serves the report: the page, `?format=json` for tools, and the page's question (`?origin=...`),
 * answered by a real preflight to the application itself.
 */
function servePolicyReport(platform: HttpPlatform, path: string, report: () => PolicyReport): void {
  platform.serve(path, async (request) => {
    const query = new URL(request.url ?? '/', 'http://report.invalid').searchParams;
    if (query.get('format') === 'json') return json(report());
    if (query.has('origin')) return answerReportQuestion(request);
    return {
      status: 200,
      type: 'text/html; charset=utf-8',
      body: renderReportPage(report(), path),
    };
  });
}

function json(value: unknown): ServedPage {
  return { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}
