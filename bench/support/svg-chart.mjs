// A line chart as a standalone SVG document, written by hand so that the benchmark needs no charting
// dependency: one x value per point (a linear or logarithmic axis), y from 0, one line per series,
// labelled axes and a legend. Used by bench/support/charts.mjs.

const WIDTH = 880;
const HEIGHT = 420;
const MARGIN = { top: 48, right: 340, bottom: 56, left: 76 };
const FONT = 'font-family="system-ui, sans-serif"';

/** Text for an SVG text node or attribute. */
export function escapeXml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

const formatNumber = (value) =>
  value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 10 ? 2 : 0 });

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) from 0 to at least `max`. */
export function niceTicks(max, count = 5) {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  const ticks = [];
  for (let value = 0; value < max + step / 2; value += step)
    ticks.push(Number(value.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/**
 * @param chart `{ title, xLabel, yLabel, logX, series: [{ label, color, dashed, points: [{ x, y }] }] }`;
 *   points whose y is not a finite number are left out (a measure a run did not have).
 * @returns the SVG document.
 */
export function lineChart({ title, xLabel, yLabel, logX = false, series }) {
  const plotted = series.map((s) => ({
    ...s,
    points: s.points.filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x),
  }));
  const xs = [...new Set(plotted.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const ys = plotted.flatMap((s) => s.points.map((p) => p.y));
  const xScale = logX ? Math.log10 : (x) => x;
  const [x0, x1] = xs.length > 0 ? [xScale(xs[0]), xScale(xs[xs.length - 1])] : [0, 1];
  const yTicks = niceTicks(Math.max(0, ...ys));
  const yMax = yTicks[yTicks.length - 1];
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  // A single x value sits in the middle of the axis.
  const px = (x) =>
    MARGIN.left + (x1 === x0 ? plotWidth / 2 : ((xScale(x) - x0) / (x1 - x0)) * plotWidth);
  const py = (y) => MARGIN.top + plotHeight - (y / yMax) * plotHeight;
  const r = (value) => Number(value.toFixed(1));

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT} font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">` +
      `${escapeXml(title)}</text>`,
  ];
  for (const tick of yTicks) {
    const y = r(py(tick));
    out.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y}" y2="${y}" ` +
        `stroke="#e3e3e3"/>`,
      `<text class="y-tick" x="${MARGIN.left - 8}" y="${y + 4}" text-anchor="end">` +
        `${formatNumber(tick)}</text>`,
    );
  }
  for (const x of xs) {
    const left = r(px(x));
    out.push(
      `<line x1="${left}" x2="${left}" y1="${MARGIN.top + plotHeight}" ` +
        `y2="${MARGIN.top + plotHeight + 5}" stroke="black"/>`,
      `<text class="x-tick" x="${left}" y="${MARGIN.top + plotHeight + 19}" text-anchor="middle">` +
        `${formatNumber(x)}</text>`,
    );
  }
  out.push(
    `<path d="M${MARGIN.left},${MARGIN.top}V${MARGIN.top + plotHeight}H${MARGIN.left + plotWidth}" ` +
      `fill="none" stroke="black"/>`,
    `<text class="x-label" x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 14}" ` +
      `text-anchor="middle">${escapeXml(xLabel)}${logX ? ' (log scale)' : ''}</text>`,
    `<text class="y-label" transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" ` +
      `text-anchor="middle">${escapeXml(yLabel)}</text>`,
  );
  plotted.forEach((s, i) => {
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const points = s.points.map((p) => `${r(px(p.x))},${r(py(p.y))}`);
    out.push(
      `<polyline class="series" data-label="${escapeXml(s.label)}" points="${points.join(' ')}" ` +
        `fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`,
      ...s.points.map(
        (p) => `<circle cx="${r(px(p.x))}" cy="${r(py(p.y))}" r="3" fill="${s.color}"/>`,
      ),
    );
    const legendX = WIDTH - MARGIN.right + 16;
    const legendY = MARGIN.top + 8 + i * 20;
    out.push(
      `<line x1="${legendX}" x2="${legendX + 28}" y1="${legendY}" y2="${legendY}" ` +
        `stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text class="legend" x="${legendX + 36}" y="${legendY + 4}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
