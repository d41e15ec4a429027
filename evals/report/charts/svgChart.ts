/** The drawing area of a chart inside its viewBox, in viewBox units. */
export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A series' name and the colour it is drawn in. */
export interface LegendEntry {
  label: string;
  color: string;
}

/** The viewBox width every chart is laid out in; the SVG scales to its container (width 100%). */
export const CHART_WIDTH = 640;

// Mid-tone colours that keep their contrast on a white and on a near-black page (the axes and text use
// currentColor, so they follow the page's light or dark scheme).
const SERIES_COLORS = ["#3b82f6", "#f97316", "#10b981", "#e11d48", "#a855f7", "#ca8a04", "#0891b2", "#db2777", "#65a30d", "#6b7280"];

/**
 * The colour of the `index`th series, cycling through a palette readable in light and dark schemes.
 *
 * @example
 * seriesColor({ index: 0 }); // "#3b82f6"
 */
export function seriesColor({ index }: { index: number }): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}

/**
 * Text made safe for XML and HTML, in element content and in quoted attributes: markup characters become
 * entities, and the control characters XML 1.0 forbids (which would make the whole SVG unparsable) are dropped.
 *
 * @example
 * escapeXml({ text: '<script>alert("x")</script>' }); // "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
 */
export function escapeXml({ text }: { text: string }): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;")
  );
}

/**
 * Round tick values (1, 2 or 5 times a power of ten apart) covering `min..max` with about `count` steps;
 * the first and last tick enclose the data, so they make the axis's domain.
 *
 * @example
 * niceTicks({ min: 0.13, max: 0.87, count: 4 }); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks({ min, max, count = 5 }: { min: number; max: number; count?: number }): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  // A single value (one topology, one point) still needs a span to place it in the middle of.
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    [min, max] = [min - pad, max + pad];
  }
  if (min > max) [min, max] = [max, min];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const step = (normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10) * magnitude;
  // Rounding to the step's decimals keeps 0.1 + 0.2 from printing as 0.30000000000000004.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return ticks;
}

/**
 * A linear map from data values to viewBox coordinates.
 *
 * @example
 * const x = linearScale({ domain: [0, 10], range: [40, 600] });
 * x(5); // 320
 */
export function linearScale({
  domain,
  range,
}: {
  domain: readonly [number, number];
  range: readonly [number, number];
}): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/**
 * A tick label short enough for an axis: thousands as k, millions as M, billions as G.
 *
 * @example
 * formatTick({ value: 2_500_000 }); // "2.5M"
 */
export function formatTick({ value }: { value: number }): string {
  const size = Math.abs(value);
  const compact = (scaled: number, suffix: string) => `${Number(scaled.toPrecision(3))}${suffix}`;
  if (size >= 1e9) return compact(value / 1e9, "G");
  if (size >= 1e6) return compact(value / 1e6, "M");
  if (size >= 1e4) return compact(value / 1e3, "k");
  return String(Number(value.toPrecision(4)));
}

/**
 * Opens and closes a chart: an `<svg>` scaling to its container, announced as one image with `title`
 * (and `description`, when given) for screen readers, holding `body`.
 *
 * @example
 * svgDocument({ title: "Accuracy", height: 320, body: "<g></g>" });
 */
export function svgDocument({
  title,
  description,
  height,
  body,
}: {
  title: string;
  description?: string;
  height: number;
  body: string;
}): string {
  const label = escapeXml({ text: title });
  const desc = description === undefined ? "" : `<desc>${escapeXml({ text: description })}</desc>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${height}" width="100%" role="img" aria-label="${label}" ` +
    `font-family="system-ui, sans-serif" font-size="12" fill="currentColor">` +
    `<title>${label}</title>${desc}` +
    `<text class="chart-title" x="${CHART_WIDTH / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${label}</text>` +
    `${body}</svg>`
  );
}

/**
 * A value axis along the bottom (`side: "bottom"`) or the left (`side: "left"`) of `plot`: its ticks with
 * faint grid lines across the plot, their labels, and the axis's name.
 *
 * @example
 * valueAxis({ side: "left", ticks: [0, 50, 100], scale: y, plot, label: "accuracy (%)" });
 */
export function valueAxis({
  side,
  ticks,
  scale,
  plot,
  label,
  format = (value) => formatTick({ value }),
}: {
  side: "bottom" | "left";
  ticks: readonly number[];
  scale: (value: number) => number;
  plot: PlotArea;
  label: string;
  format?: (value: number) => string;
}): string {
  const parts: string[] = [];
  for (const tick of ticks) {
    const at = round(scale(tick));
    const text = escapeXml({ text: format(tick) });
    if (side === "bottom") {
      parts.push(
        `<line class="grid" x1="${at}" x2="${at}" y1="${plot.top}" y2="${plot.bottom}" stroke="currentColor" stroke-opacity="0.12"/>`,
      );
      parts.push(`<text x="${at}" y="${plot.bottom + 16}" text-anchor="middle">${text}</text>`);
    } else {
      parts.push(
        `<line class="grid" x1="${plot.left}" x2="${plot.right}" y1="${at}" y2="${at}" stroke="currentColor" stroke-opacity="0.12"/>`,
      );
      parts.push(`<text x="${plot.left - 6}" y="${at + 4}" text-anchor="end">${text}</text>`);
    }
  }
  const name = escapeXml({ text: label });
  if (side === "bottom") {
    parts.push(
      `<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="currentColor" stroke-opacity="0.6"/>`,
    );
    parts.push(`<text class="axis-label" x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 34}" text-anchor="middle">${name}</text>`);
  } else {
    const middle = (plot.top + plot.bottom) / 2;
    parts.push(
      `<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}" stroke="currentColor" stroke-opacity="0.6"/>`,
    );
    parts.push(`<text class="axis-label" transform="translate(14 ${middle}) rotate(-90)" text-anchor="middle">${name}</text>`);
  }
  return `<g class="axis axis-${side}">${parts.join("")}</g>`;
}

/**
 * A legend of coloured swatches in rows starting at (`x`, `y`), wrapping before `maxWidth`; returns the
 * markup and the height it takes. No legend (height 0) for a single series: the title names it.
 *
 * @example
 * const { svg, height } = legend({ entries: [{ label: "moa", color: "#3b82f6" }], x: 50, y: 30, maxWidth: 560 });
 */
export function legend({ entries, x, y, maxWidth }: { entries: readonly LegendEntry[]; x: number; y: number; maxWidth: number }): {
  svg: string;
  height: number;
} {
  if (entries.length < 2) return { svg: "", height: 0 };
  const rowHeight = 16;
  const parts: string[] = [];
  let [cx, cy] = [x, y];
  for (const { label, color } of entries) {
    const text = clip({ text: label, max: 28 });
    // An estimate of the text's width (no layout engine here): 6.5 units per character at font size 12.
    const width = 18 + text.length * 6.5 + 14;
    if (cx + width > x + maxWidth && cx > x) [cx, cy] = [x, cy + rowHeight];
    parts.push(`<rect x="${round(cx)}" y="${cy - 9}" width="12" height="12" rx="2" fill="${color}"/>`);
    parts.push(`<text x="${round(cx + 16)}" y="${cy + 1}">${escapeXml({ text })}</text>`);
    cx += width;
  }
  return { svg: `<g class="legend">${parts.join("")}</g>`, height: cy - y + rowHeight };
}

/**
 * Cuts a label to `max` characters with an ellipsis, so long model names do not run over the plot.
 *
 * @example
 * clip({ text: "a-very-long-topology-name", max: 10 }); // "a-very-lo…"
 */
export function clip({ text, max }: { text: string; max: number }): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Coordinates to two decimals: enough for a 640-unit viewBox, and short markup. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The smallest and largest of `values` that are finite (NaN and infinities are left off the chart). */
export function extent(values: readonly number[]): [number, number] | undefined {
  const finite = values.filter((value) => Number.isFinite(value));
  return finite.length === 0 ? undefined : [Math.min(...finite), Math.max(...finite)];
}

/**
 * A chart with nothing to plot (no finite value): its title and a note, so a report keeps its layout.
 *
 * @example
 * emptyChart({ title: "Accuracy per category" });
 */
export function emptyChart({ title }: { title: string }): string {
  return svgDocument({ title, height: 80, body: `<text x="${CHART_WIDTH / 2}" y="52" text-anchor="middle" opacity="0.7">no data</text>` });
}
