import { renderReportPage } from '../../lib/report/report-page';

describe('renderReportPage', () => {
  const field = (name: string, value: string) => ({ name, value, from: 'CorsModule options' });

  it('escapes every value it shows', () => {
    const page = renderReportPage(
      {
        defaultPolicy: [field('origin', '<img src=x onerror=alert(1)>')],
        routes: [
          { method: 'GET', path: '/a/"b"/<c>', handler: "X.y'z", fields: null },
          { method: 'PUT', path: '/d', handler: 'X.d', fields: [field('origin', 'a&b')] },
        ],
      },
      '/_cors',
    );
    expect(page).not.toContain('<img');
    expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(page).toContain('/a/&#34;b&#34;/&#60;c&#62;');
    expect(page).toContain('X.y&#39;z');
    expect(page).toContain('a&#38;b');
  });

  it('cannot be closed early by its own path inside the script', () => {
    const page = renderReportPage({ defaultPolicy: [], routes: [] }, '/x</script><b>');
    expect(page).not.toContain('/x</script>');
    expect(page).toContain('"/x\\u003c/script>\\u003cb>"');
  });

  it('asks its questions at the path it is served from', () => {
    expect(renderReportPage({ defaultPolicy: [], routes: [] }, '/internal/cors')).toContain(
      'fetch("/internal/cors" + ',
    );
  });

  it('shows why a question could not be asked, from the error of a 400', () => {
    const page = renderReportPage({ defaultPolicy: [], routes: [] }, '/_cors');
    expect(page).toContain('if (!response.ok) {');
    expect(page).toContain("'Cannot ask this: ' + verdict.error");
  });
});
