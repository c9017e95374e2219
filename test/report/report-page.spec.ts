import type { PolicyReport } from '../../lib/report/policy-report';
import { renderReportPage } from '../../lib/report/report-page';

const SINCE = '2026-12-02T00:00:00.000Z';
const NO_COUNTS = { since: SINCE, routes: [], gateways: [], trials: { since: SINCE, routes: [] } };
const EMPTY: PolicyReport = {
  defaultPolicy: [],
  defaultTrial: null,
  routes: [],
  paths: [],
  gateways: [],
  counts: NO_COUNTS,
};

describe('renderReportPage', () => {
  const field = (name: string, value: string, from = 'CorsModule options') => ({
    name,
    value,
    from,
  });

  it('escapes every value it shows', () => {
    const page = renderReportPage(
      {
        defaultPolicy: [field('origin', '<img src=x onerror=alert(1)>')],
        defaultTrial: [field('origin', '<dt>')],
        routes: [
          { method: 'GET', path: '/a/"b"/<c>', handler: "X.y'z", cors: 'off' },
          {
            method: 'PUT',
            path: '/d',
            handler: 'X.d',
            cors: 'on',
            fields: [field('origin', 'a&b')],
            trial: [field('origin', '<rt>', 'X.<from>')],
          },
        ],
        paths: [
          {
            path: '/<pp>',
            where: 'paths["/<pp>"]',
            cors: 'on',
            fields: [field('origin', '<q>')],
            trial: [field('origin', '<pt>')],
          },
        ],
        gateways: [
          {
            gateway: 'G<w>',
            port: 0,
            path: '/<ws>',
            namespace: '/<n>',
            cors: 'on',
            fields: [field('origin', "o'o")],
            trial: [field('origin', '<gt>')],
          },
        ],
        counts: {
          since: '2026-12-02T00:00:00.000Z',
          routes: [
            {
              route: 'GET /<r>',
              actualRefused: 2,
              preflightRefused: 1,
              topOrigins: [{ origin: 'https://<evil>"', count: 2 }],
            },
          ],
          gateways: [
            {
              gateway: 'G<g>',
              handshakesRefused: 1,
              topOrigins: [{ origin: "https://o'g", count: 1 }],
            },
          ],
          trials: {
            since: '<since>',
            routes: [
              {
                route: 'GET /<t-route>',
                total: 1,
                differences: { allows: 1 },
                topOrigins: [{ origin: 'https://<trial-evil>', difference: 'allows', count: 1 }],
              },
            ],
          },
        },
      },
      '/_cors',
    );
    expect(page).not.toContain('<img');
    expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(page).toContain('/a/&#34;b&#34;/&#60;c&#62;');
    expect(page).toContain('X.y&#39;z');
    expect(page).toContain('a&#38;b');
    for (const raw of [
      ...['<pp>', '<q>', '<w>', '<ws>', '<n>', "o'o", '<r>', '<evil>', '<g>', "o'g"],
      ...['<dt>', '<rt>', '<from>', '<pt>', '<gt>', '<since>', '<t-route>', '<trial-evil>'],
    ])
      expect(page).not.toContain(raw);
    expect(page).toContain('https://&#60;trial-evil&#62;</code> would allow 1');
    expect(page).toContain('https://&#60;evil&#62;&#34;</code> 2');
    expect(page).toContain('&#60;ws&#62;');
  });

  it('cannot be closed early by its own path inside the script', () => {
    const page = renderReportPage(EMPTY, '/x</script><b>');
    expect(page).not.toContain('/x</script>');
    expect(page).toContain('"/x\\u003c/script>\\u003cb>"');
  });

  it('asks its questions at the path it is served from', () => {
    expect(renderReportPage(EMPTY, '/internal/cors')).toContain('fetch("/internal/cors" + ');
  });

  it('shows why a question could not be asked, from the error of a 400', () => {
    const page = renderReportPage(EMPTY, '/_cors');
    expect(page).toContain('if (!response.ok) {');
    expect(page).toContain("'Cannot ask this: ' + verdict.error");
  });

  it('shows each section, and says when it has none', () => {
    const page = renderReportPage(EMPTY, '/_cors');
    expect(page).toContain('<p id="paths">None.</p>');
    expect(page).toContain('<p id="gateways">None.</p>');
  });

  it('has a credentials checkbox that sends the accepted "true", and nothing unchecked', () => {
    const page = renderReportPage(EMPTY, '/_cors');
    expect(page).toContain('<input type="checkbox" name="credentials" value="true">');
  });

  describe('trials', () => {
    const ORIGIN = field('origin', 'https://app.example.com, https://partner.example.org');
    const CREDENTIALS = field('credentials', 'true');
    const TRIED = field('origin', 'https://app.example.com', 'CorsModule options');
    const page = renderReportPage(
      {
        ...EMPTY,
        defaultPolicy: [ORIGIN, CREDENTIALS],
        defaultTrial: [TRIED, CREDENTIALS],
        routes: [
          {
            method: 'GET',
            path: '/items',
            handler: 'ItemsController.list',
            cors: 'on',
            fields: [ORIGIN, CREDENTIALS],
            trial: [TRIED, CREDENTIALS],
          },
          {
            method: 'GET',
            path: '/items/settled',
            handler: 'ItemsController.settled',
            cors: 'on',
            fields: [ORIGIN, CREDENTIALS],
            trial: null,
          },
        ],
        counts: {
          ...NO_COUNTS,
          trials: {
            since: SINCE,
            routes: [
              {
                route: 'GET /items',
                total: 3,
                differences: { refuses: 2, 'drops-credentials': 1 },
                topOrigins: [
                  { origin: 'https://partner.example.org', difference: 'refuses', count: 2 },
                  { origin: 'https://app.example.com', difference: 'drops-credentials', count: 1 },
                ],
              },
            ],
          },
        },
      },
      '/_cors',
    );

    it("shows a policy's trial on a marked row under it, the fields it sets marked, and none for none", () => {
      const rows = page.match(/<tr class="trial">.*<\/tr>/g) ?? [];
      expect(rows).toEqual([
        '<tr class="trial"><th class="trial-label">trial</th><td class="tried">https://app.example.com<small>CorsModule options</small></td><td>true<small>CorsModule options</small></td></tr>',
        '<tr class="trial"><td colspan="3" class="trial-label">trial of the row above</td><td class="tried">https://app.example.com<small>CorsModule options</small></td><td>true<small>CorsModule options</small></td></tr>',
      ]);
      // The trial's row follows its own policy's, not the next route's.
      expect(page.indexOf(rows[1]!)).toBeGreaterThan(page.indexOf('ItemsController.list'));
      expect(page.indexOf(rows[1]!)).toBeLessThan(page.indexOf('ItemsController.settled'));
    });

    it('counts trial differences per route: in all, per kind, and the pairs seen most', () => {
      expect(page).toContain(`<h2>Trial differences since ${SINCE}</h2>`);
      expect(page).toContain(
        '<tr><th>route</th><th>in all</th><th>would refuse</th><th>would allow</th><th>would drop credentials</th><th>would expose fewer headers</th><th>would answer otherwise</th><th>origins and differences seen most</th></tr>',
      );
      expect(page).toContain(
        '<tr><td><code>GET /items</code></td><td>3</td><td>2</td><td>0</td><td>1</td><td>0</td><td>0</td><td><code>https://partner.example.org</code> would refuse 2<br><code>https://app.example.com</code> would drop credentials 1</td></tr>',
      );
    });

    it('says when no request was answered differently', () => {
      expect(renderReportPage(EMPTY, '/_cors')).toContain(
        '<p id="trial-differences">No request answered differently by a trial.</p>',
      );
    });
  });
});
