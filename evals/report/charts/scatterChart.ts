import {
  CHART_WIDTH,
  clip,
  emptyChart,
  escapeXml,
  extent,
  legend,
  linearScale,
  niceTicks,
  round,
  seriesColor,
  svgDocument,
  valueAxis,
} from "./svgChart.js";

/** One labelled point; `series` groups points under one colour and legend entry (a benchmark, say). */
export interface ScatterPoint {
  label: string;
  x: number;
  y: number;
  series?: string;
}

/** Options of {@link scatterChart}. */
export interface ScatterChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  points: readonly ScatterPoint[];
  /** Tick labels; compact numbers (2.5k, 1.2M) by default. */
  formatX?: (value: number) => string;
  formatY?: (value: number) => string;
  /** Values each axis must reach (e.g. 0 and 100 for a percentage), so a few close points do not fill the chart. */
  includeX?: readonly number[];
  includeY?: readonly number[];
}

const HEIGHT = 360;

/**
 * A scatter plot as an inline SVG string: one labelled dot per point (quality against cost or latency, one
 * point per topology), coloured by series with a legend when there are several. Points with a non-finite
 * coordinate are left off.
 *
 * @example
 * scatterChart({ title: "Quality against cost", xLabel: "calls per item", yLabel: "accuracy (%)", points: [{ label: "moa", x: 4, y: 81.2 }] });
 */
export function scatterChart({
  title,
  xLabel,
  yLabel,
  points,
  formatX,
  formatY,
  includeX = [],
  includeY = [],
}: ScatterChartOptions): string {
  const drawn = points.filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y));
  if (drawn.length === 0) return emptyChart({ title });
  const xExtent = extent([...includeX, ...drawn.map((point) => point.x)]);
  const yExtent = extent([...includeY, ...drawn.map((point) => point.y)]);
  if (!xExtent || !yExtent) return emptyChart({ title });

  const seriesNames = [...new Set(drawn.map((point) => point.series ?? ""))];
  const colorOf = (series: string | undefined) => seriesColor({ index: seriesNames.indexOf(series ?? "") });
  const key = legend({
    entries: seriesNames.map((name, index) => ({ label: name, color: seriesColor({ index }) })),
    x: 56,
    y: 40,
    maxWidth: CHART_WIDTH - 80,
  });
  const plot = { left: 64, top: 36 + key.height + 8, right: CHART_WIDTH - 24, bottom: HEIGHT - 48 };
  const xTicks = niceTicks({ min: xExtent[0], max: xExtent[1] });
  const yTicks = niceTicks({ min: yExtent[0], max: yExtent[1] });
  const x = linearScale({ domain: [xTicks[0]!, xTicks.at(-1)!], range: [plot.left, plot.right] });
  const y = linearScale({ domain: [yTicks[0]!, yTicks.at(-1)!], range: [plot.bottom, plot.top] });

  const dots = drawn.map((point) => {
    const [cx, cy] = [round(x(point.x)), round(y(point.y))];
    // Labels go left of points in the right third, so they stay inside the viewBox.
    const toLeft = cx > plot.left + ((plot.right - plot.left) * 2) / 3;
    const name = escapeXml({ text: point.label });
    return (
      `<g class="point-group"><circle class="point" cx="${cx}" cy="${cy}" r="5" fill="${colorOf(point.series)}">` +
      `<title>${name}: ${escapeXml({ text: `${formatValue(point.x, formatX)}, ${formatValue(point.y, formatY)}` })}</title></circle>` +
      `<text x="${toLeft ? cx - 8 : cx + 8}" y="${cy - 6}" text-anchor="${toLeft ? "end" : "start"}">${escapeXml({ text: clip({ text: point.label, max: 24 }) })}</text></g>`
    );
  });
  const body =
    key.svg +
    valueAxis({ side: "bottom", ticks: xTicks, scale: x, plot, label: xLabel, ...(formatX ? { format: formatX } : {}) }) +
    valueAxis({ side: "left", ticks: yTicks, scale: y, plot, label: yLabel, ...(formatY ? { format: formatY } : {}) }) +
    `<g class="points">${dots.join("")}</g>`;
  return svgDocument({ title, height: HEIGHT, body });
}

function formatValue(value: number, format: ((value: number) => string) | undefined): string {
  return format ? format(value) : String(Number(value.toPrecision(4)));
}
