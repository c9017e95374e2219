// The benchmark's SVG line chart (bench/support/svg-chart.mjs): points where the axes say, a line
// and a legend entry per series, text escaped. The module is plain ESM outside Jest's transform, so
// a child Node process renders the charts and this spec reads the SVG it prints.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CHART_MODULE = pathToFileURL(join(__dirname, '../../bench/support/svg-chart.mjs')).href;

/** Renders `chart` (JSON-serialisable options of lineChart) in a child process. */
function render(chart: object): string {
  const script =
    `const { lineChart } = await import(${JSON.stringify(CHART_MODULE)});` +
    `process.stdout.write(lineChart(${JSON.stringify(chart)}));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
}

type Point = [x: number, y: number];

/** `[x, y]` pairs of each polyline, in document order. */
function polylines(svg: string): { label: string; points: Point[] }[] {
  return [...svg.matchAll(/<polyline class="series" data-label="([^"]*)" points="([^"]*)"/g)].map(
    ([, label = '', points = '']) => ({
      label,
      points: points.split(' ').map((pair): Point => {
        const [x = NaN, y = NaN] = pair.split(',').map(Number);
        return [x, y];
      }),
    }),
  );
}

/** The x position of each x tick label, by its text. */
function xTicks(svg: string): Map<string, number> {
  return new Map(
    [...svg.matchAll(/<text class="x-tick" x="([^"]+)"[^>]*>([^<]*)</g)].map(([, x, text = '']) => [
      text,
      Number(x),
    ]),
  );
}

/** The `index`th element, failing the test where there is none. */
function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no element ${index} in ${JSON.stringify(items)}`);
  return item;
}

const chart = {
  title: 'CPU per preflight <unique id> & more',
  xLabel: 'routes in the app',
  yLabel: 'CPU µs per request',
  logX: true,
  series: [
    {
      label: 'CorsModule.forRoot(), Express',
      color: '#1f77b4',
      points: [
        { x: 5000, y: 400 },
        { x: 100, y: 100 },
        { x: 1000, y: 200 },
      ],
    },
    {
      label: 'app.enableCors(), "Fastify"',
      color: '#ff7f0e',
      dashed: true,
      points: [
        { x: 100, y: 100 },
        { x: 1000, y: 100 },
        { x: 5000, y: null },
      ],
    },
  ],
};

describe('lineChart (bench/support/svg-chart.mjs)', () => {
  const svg = render(chart);

  it('writes one well-formed document with the title, axis labels and escaped text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('CPU per preflight &lt;unique id&gt; &amp; more');
    expect(svg).toContain('routes in the app (log scale)');
    expect(svg).toContain('CPU µs per request');
    expect(svg).not.toMatch(/<unique|& more|"Fastify"/);
  });

  it('draws a line and a legend entry per series, leaving out points without a value', () => {
    const lines = polylines(svg);
    expect(lines.map((line) => line.label)).toEqual([
      'CorsModule.forRoot(), Express',
      'app.enableCors(), &quot;Fastify&quot;',
    ]);
    expect(lines.map((line) => line.points.length)).toEqual([3, 2]);
    expect(svg.match(/<text class="legend"/g)).toHaveLength(2);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2); // the dashed line and its legend swatch
  });

  it('places x by log10 and in order, y from 0 upwards', () => {
    const ticks = xTicks(svg);
    expect([...ticks.keys()]).toEqual(['100', '1,000', '5,000']);
    const xs = [...ticks.values()];
    const [x100, x1000, x5000] = [at(xs, 0), at(xs, 1), at(xs, 2)];
    // log10: 100 -> 1,000 is 1 decade, 1,000 -> 5,000 is log10(5) of one.
    expect((x5000 - x1000) / (x1000 - x100)).toBeCloseTo(Math.log10(5), 2);

    const lines = polylines(svg);
    const module = at(lines, 0);
    expect(module.points.map(([x]) => x)).toEqual([x100, x1000, x5000]);
    const y = (i: number) => at(module.points, i)[1];
    const [y100, y200, y400] = [y(0), y(1), y(2)];
    // SVG y grows downwards: more is higher up, and 0 is the axis, so 200 is twice as far as 100.
    expect(y400).toBeLessThan(y200);
    expect(y200).toBeLessThan(y100);
    const yTick0 = Number(/<text class="y-tick" x="[^"]+" y="([^"]+)"[^>]*>0</.exec(svg)?.[1]) - 4;
    expect((yTick0 - y200) / (yTick0 - y100)).toBeCloseTo(2, 1);
    expect(at(at(lines, 1).points, 0)[1]).toBe(y100);
  });

  it('centres a chart of a single x value instead of dividing by zero', () => {
    const single = render({
      ...chart,
      logX: false,
      series: [{ label: 'only', color: 'black', points: [{ x: 100, y: 5 }] }],
    });
    expect(single).not.toContain('NaN');
    expect(at(polylines(single), 0).points).toHaveLength(1);
  });
});
