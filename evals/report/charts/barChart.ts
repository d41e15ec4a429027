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

/** One series of bars: a value per group (`undefined` or NaN where the series has none). */
export interface BarSeries {
  name: string;
  values: ReadonlyArray<number | undefined>;
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  title: string;
  /** The name of the value axis. */
  valueLabel: string;
  /** The groups (categories), one row each. */
  groups: readonly string[];
  /** One bar per series in every group. */
  series: readonly BarSeries[];
  /** Values the axis must reach whatever the data (e.g. [0, 100] for percentages). */
  include?: readonly number[];
  /** Tick and bar labels; compact numbers by default. */
  format?: (value: number) => string;
}

/**
 * A grouped bar chart as an inline SVG string, bars running left to right so that long group names
 * (MMLU subjects, model names) stay readable on a phone: one row per group, one bar per series in it, and
 * a legend when there are several series. The axis always includes 0, where bars start.
 *
 * @example
 * barChart({ title: "Score per category", valueLabel: "rating", groups: ["math", "coding"], series: [{ name: "moa", values: [7.1, 6.4] }] });
 */
export function barChart({ title, valueLabel, groups, series, include = [], format }: BarChartOptions): string {
  const values = series.flatMap((s) => s.values).filter((value): value is number => value !== undefined && Number.isFinite(value));
  const range = extent([0, ...include, ...values]);
  if (values.length === 0 || !range || groups.length === 0) return emptyChart({ title });

  const key = legend({
    entries: series.map((s, index) => ({ label: s.name, color: seriesColor({ index }) })),
    x: 56,
    y: 40,
    maxWidth: CHART_WIDTH - 80,
  });
  const barHeight = series.length > 1 ? 12 : 18;
  const bandHeight = series.length * barHeight + 10;
  const top = 36 + key.height + 8;
  const plot = { left: 168, top, right: CHART_WIDTH - 48, bottom: top + groups.length * bandHeight };
  const ticks = niceTicks({ min: range[0], max: range[1] });
  const scale = linearScale({ domain: [ticks[0]!, ticks.at(-1)!], range: [plot.left, plot.right] });
  const zero = round(scale(0));
  const label = (value: number) => (format ? format(value) : String(Number(value.toPrecision(3))));

  const rows = groups.map((group, g) => {
    const bandTop = plot.top + g * bandHeight + 5;
    const bars = series.map((s, index) => {
      const value = s.values[g];
      if (value === undefined || !Number.isFinite(value)) return "";
      const end = round(scale(value));
      const barTop = bandTop + index * barHeight;
      const text = escapeXml({ text: `${s.name}, ${group}: ${label(value)}` });
      return (
        `<rect class="bar" x="${Math.min(zero, end)}" y="${barTop}" width="${round(Math.abs(end - zero))}" height="${barHeight - 2}" fill="${seriesColor({ index })}"><title>${text}</title></rect>` +
        `<text x="${Math.max(zero, end) + 4}" y="${barTop + barHeight - 4}" font-size="10">${escapeXml({ text: label(value) })}</text>`
      );
    });
    const name = escapeXml({ text: clip({ text: group, max: 24 }) });
    return `<g class="bar-group"><text x="${plot.left - 6}" y="${bandTop + (series.length * barHeight) / 2 + 3}" text-anchor="end">${name}</text>${bars.join("")}</g>`;
  });
  const body =
    key.svg +
    valueAxis({ side: "bottom", ticks, scale, plot, label: valueLabel, ...(format ? { format } : {}) }) +
    `<g class="bars">${rows.join("")}</g>`;
  return svgDocument({ title, height: plot.bottom + 48, body });
}
