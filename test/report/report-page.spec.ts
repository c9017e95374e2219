import type { PolicyReport } from '../../lib/report/policy-report';
import { renderReportPage } from '../../lib/report/report-page';

const NO_COUNTS = { since: '2026-12-02T00:00:00.000Z', routes: [], gateways: [] };
const EMPTY: PolicyReport = {
  defaultPolicy: [],
  routes: [],
  paths: [],
  gateways: [],
  counts: NO_COUNTS,
};

describe('renderReportPage', () => {
  const field = (name: string, value: string) => ({ name, value, from: 'CorsModule options' });

  it('escapes every value it shows', () => {
    const page = renderReportPage(
      {
        defaultPolicy: [field('origin', '<img src=x onerror=alert(1)>')],
        routes: [
          { method: 'GET', path: '/a/"b"/<c>', handler: "X.y'z", cors: 'off' },
          {
            method: 'PUT',
            path: '/d',
            handler: 'X.d',
            cors: 'on',
            fields: [field('origin', 'a&b')],
          },
        ],
        paths: [
          { path: '/<pp>', where: 'paths["/<pp>"]', cors: 'on', fields: [field('origin', '<q>')] },
        ],
        gateways: [
          {
            gateway: 'G<w>',
            port: 0,
            path: '/<ws>',
            namespace: '/<n>',
            cors: 'on',
            fields: [field('origin', "o'o")],
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
        },
      },
      '/_cors',
    );
    expect(page).not.toContain('<img');
    expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(page).toContain('/a/&#34;b&#34;/&#60;c&#62;');
    expect(page).toContain('X.y&#39;z');
    expect(page).toContain('a&#38;b');
    for (const raw of ['<pp>', '<q>', '<w>', '<ws>', '<n>', "o'o", '<r>', '<evil>', '<g>', "o'g"])
      expect(page).not.toContain(raw);
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
});
