import {
  CHART_WIDTH,
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

/** One named line through its points (drawn in order of x). */
export interface LineSeries {
  name: string;
  points: ReadonlyArray<{ x: number; y: number }>;
}

/** A labelled horizontal line across the plot (an always-weak or always-strong accuracy, say). */
export interface ReferenceLine {
  label: string;
  y: number;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  references?: readonly ReferenceLine[];
  /** Values each axis must reach whatever the data (e.g. x from 0 to 1 for shares). */
  includeX?: readonly number[];
  includeY?: readonly number[];
  formatX?: (value: number) => string;
  formatY?: (value: number) => string;
}

const HEIGHT = 380;

/**
 * A line chart as an inline SVG string: one path per series (router curves of strong-call share against
 * accuracy; a gate's skip rate against accuracy), dashed horizontal reference lines with their labels, and
 * a legend when there are several series. Points with a non-finite coordinate are left off.
 *
 * @example
 * lineChart({
 *   title: "Routers on GSM8K", xLabel: "strong calls (%)", yLabel: "accuracy (%)",
 *   series: [{ name: "random", points: [{ x: 0, y: 60 }, { x: 100, y: 80 }] }],
 *   references: [{ label: "always weak", y: 60 }, { label: "always strong", y: 80 }],
 * });
 */
export function lineChart({
  title,
  xLabel,
  yLabel,
  series,
  references = [],
  includeX = [],
  includeY = [],
  formatX,
  formatY,
}: LineChartOptions): string {
  const lines = series.map((s) => ({
    name: s.name,
    points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x),
  }));
  const shownReferences = references.filter((reference) => Number.isFinite(reference.y));
  const allPoints = lines.flatMap((line) => line.points);
  const xExtent = extent([...allPoints.map((p) => p.x), ...includeX]);
  const yExtent = extent([...allPoints.map((p) => p.y), ...shownReferences.map((r) => r.y), ...includeY]);
  if (allPoints.length === 0 || !xExtent || !yExtent) return emptyChart({ title });

  const key = legend({
    entries: lines.map((line, index) => ({ label: line.name, color: seriesColor({ index }) })),
    x: 56,
    y: 40,
    maxWidth: CHART_WIDTH - 80,
  });
  const plot = { left: 64, top: 36 + key.height + 8, right: CHART_WIDTH - 24, bottom: HEIGHT - 48 };
  const xTicks = niceTicks({ min: xExtent[0], max: xExtent[1] });
  const yTicks = niceTicks({ min: yExtent[0], max: yExtent[1] });
  const x = linearScale({ domain: [xTicks[0]!, xTicks.at(-1)!], range: [plot.left, plot.right] });
  const y = linearScale({ domain: [yTicks[0]!, yTicks.at(-1)!], range: [plot.bottom, plot.top] });

  const referenceMarks = shownReferences.map((reference) => {
    const at = round(y(reference.y));
    return (
      `<g class="reference-group"><line class="reference" x1="${plot.left}" x2="${plot.right}" y1="${at}" y2="${at}" stroke="currentColor" stroke-opacity="0.7" stroke-dasharray="6 4"/>` +
      `<text x="${plot.right - 4}" y="${at - 4}" text-anchor="end" font-size="11">${escapeXml({ text: reference.label })}</text></g>`
    );
  });
  const paths = lines.map((line, index) => {
    if (line.points.length === 0) return "";
    const color = seriesColor({ index });
    const d = line.points.map((p, i) => `${i === 0 ? "M" : "L"}${round(x(p.x))} ${round(y(p.y))}`).join(" ");
    // A single point draws no line: a dot shows it.
    const dot =
      line.points.length === 1
        ? `<circle cx="${round(x(line.points[0]!.x))}" cy="${round(y(line.points[0]!.y))}" r="3" fill="${color}"/>`
        : "";
    return `<path class="series" d="${d}" fill="none" stroke="${color}" stroke-width="2"><title>${escapeXml({ text: line.name })}</title></path>${dot}`;
  });
  const body =
    key.svg +
    valueAxis({ side: "bottom", ticks: xTicks, scale: x, plot, label: xLabel, ...(formatX ? { format: formatX } : {}) }) +
    valueAxis({ side: "left", ticks: yTicks, scale: y, plot, label: yLabel, ...(formatY ? { format: formatY } : {}) }) +
    `<g class="references">${referenceMarks.join("")}</g><g class="lines">${paths.join("")}</g>`;
  return svgDocument({ title, height: HEIGHT, body });
}
