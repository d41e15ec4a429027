import type { BenchmarkName, EvalSummary } from "../types.js";
import { barChart } from "./charts/barChart.js";
import { scatterChart, type ScatterPoint } from "./charts/scatterChart.js";
import { escapeXml, formatTick } from "./charts/svgChart.js";
import {
  formatAmount,
  formatJudgeCost,
  formatLatency,
  formatQuality,
  formatRouteShares,
  formatShare,
  metricLabel,
} from "./formatEvalValues.js";
import { htmlFigure, htmlPage, htmlTable, markdownCell, markdownTable } from "./reportMarkup.js";

/** Options of {@link renderEvalMarkdown} and {@link renderEvalHtml}. */
export interface RenderEvalOptions {
  /** One eval, or several to compare (any mix of benchmarks: each benchmark gets its own charts). */
  summaries: readonly EvalSummary[];
  /** The page's heading; by default it names the topology and benchmark, or the number of evals compared. */
  title?: string;
}

const HEAD = [
  "topology",
  "bench",
  "quality",
  "LC win rate",
  "items",
  "failed",
  "calls/item",
  "tokens/item",
  "active params/item",
  "p50 latency",
  "judge cost",
  "gate skip rate",
  "route shares",
];
const NUMERIC_COLUMNS = [3, 4, 5, 6, 7, 8, 9];

/**
 * The Markdown report of one or more evals: the headline table (quality with its interval, cost per item,
 * latency, judge cost, gate and router behaviour) and each benchmark's per-category table. Every name is
 * escaped, so a topology or model name cannot inject Markdown or HTML. Charts are in the HTML report.
 *
 * @example
 * writeFileSync("report.md", renderEvalMarkdown({ summaries: [summary] }));
 */
export function renderEvalMarkdown({ summaries, title }: RenderEvalOptions): string {
  const parts = [`# ${markdownCell({ text: title ?? defaultTitle(summaries) })}`, ""];
  parts.push(markdownTable({ head: HEAD, rows: headlineRows(summaries).map((row) => row.map((text) => markdownCell({ text }))) }), "");
  for (const note of judgeNotes(summaries)) parts.push(`- ${markdownCell({ text: note })}`);
  for (const [bench, group] of groupByBench({ summaries })) {
    const { head, rows } = categoryTable(group);
    parts.push(
      "",
      `## ${bench}: quality per category`,
      "",
      `${markdownCell({ text: metricLabel({ metric: group[0]!.quality.metric }) })}`,
      "",
    );
    parts.push(
      markdownTable({
        head: head.map((text) => markdownCell({ text })),
        rows: rows.map((row) => row.map((text) => markdownCell({ text }))),
      }),
    );
  }
  parts.push("", "Charts: see report.html.", "");
  return parts.join("\n");
}

/**
 * The HTML report of one or more evals: one self-contained page (inline CSS and SVG, no script, no
 * external resource, light and dark, phone-sized) with the headline table and, per benchmark, quality
 * against calls, tokens and latency (a point per topology), quality per category, and the gate's skip rate
 * and the router's choices when the topologies have them. All untrusted text is escaped.
 *
 * @example
 * writeFileSync("report.html", renderEvalHtml({ summaries: [a, b], title: "MoA against single models" }));
 */
export function renderEvalHtml({ summaries, title }: RenderEvalOptions): string {
  const heading = title ?? defaultTitle(summaries);
  const parts = [`<h1>${escapeXml({ text: heading })}</h1>`];
  parts.push(htmlTable({ head: HEAD, rows: headlineRows(summaries), numeric: NUMERIC_COLUMNS }));
  for (const note of judgeNotes(summaries)) parts.push(`<p class="note">${escapeXml({ text: note })}</p>`);
  for (const [bench, group] of groupByBench({ summaries })) {
    parts.push(
      `<h2>${escapeXml({ text: bench })}</h2>`,
      `<div class="charts">${benchCharts(bench, group)
        .map((svg) => htmlFigure({ svg }))
        .join("\n")}</div>`,
    );
    const { head, rows } = categoryTable(group);
    parts.push(`<h3>Quality per category</h3>`, htmlTable({ head, rows, numeric: head.map((_, c) => c).slice(1) }));
  }
  return htmlPage({ title: heading, body: parts.join("\n") });
}

/**
 * Summaries by benchmark, benchmarks in the order they first appear: metrics differ between benchmarks, so
 * each gets its own charts and category table.
 *
 * @example
 * for (const [bench, group] of groupByBench({ summaries })) console.log(bench, group.length);
 */
export function groupByBench({ summaries }: { summaries: readonly EvalSummary[] }): Map<BenchmarkName, EvalSummary[]> {
  const groups = new Map<BenchmarkName, EvalSummary[]>();
  for (const summary of summaries) groups.set(summary.bench, [...(groups.get(summary.bench) ?? []), summary]);
  return groups;
}

/**
 * The names to show for summaries, one each: the topology's name, numbered when two summaries share it
 * (the same preset run twice), so points and bars can be told apart.
 *
 * @example
 * topologyLabels({ summaries: [a, a] }); // ["moa", "moa #2"]
 */
export function topologyLabels({ summaries }: { summaries: readonly EvalSummary[] }): string[] {
  const seen = new Map<string, number>();
  return summaries.map((summary) => {
    const count = (seen.get(summary.topology) ?? 0) + 1;
    seen.set(summary.topology, count);
    return count === 1 ? summary.topology : `${summary.topology} #${count}`;
  });
}

function defaultTitle(summaries: readonly EvalSummary[]): string {
  if (summaries.length === 1) return `moa eval: ${summaries[0]!.topology} on ${summaries[0]!.bench}`;
  return `moa eval: ${summaries.length} evals compared`;
}

function headlineRows(summaries: readonly EvalSummary[]): string[][] {
  const ordered = [...groupByBench({ summaries }).values()].flat();
  const labels = topologyLabels({ summaries: ordered });
  return ordered.map((summary, index) => [
    labels[index]!,
    summary.bench,
    formatQuality({ quality: summary.quality }),
    summary.quality.lengthControlled === undefined ? "-" : `${summary.quality.lengthControlled.toFixed(1)}%`,
    String(summary.items),
    String(summary.failed),
    formatAmount({ value: summary.cost.callsPerItem }),
    formatAmount({ value: summary.cost.inputTokensPerItem + summary.cost.outputTokensPerItem }),
    summary.cost.activeParamsPerItem > 0 ? formatAmount({ value: summary.cost.activeParamsPerItem }) : "-",
    formatLatency({ ms: summary.cost.latencyMsP50 }),
    formatJudgeCost({ judgeCost: summary.judgeCost }),
    formatShare({ share: summary.gateSkipRate }),
    formatRouteShares({ routeShares: summary.routeShares }),
  ]);
}

function judgeNotes(summaries: readonly EvalSummary[]): string[] {
  const notes = new Set<string>();
  for (const summary of summaries) {
    const who = [summary.judge && `judge ${summary.judge}`, summary.baseline && `baseline ${summary.baseline}`].filter(Boolean).join(", ");
    if (who) notes.add(`${summary.bench}: ${who}`);
  }
  return [...notes];
}

/** Categories down, topologies across; the item count is the first summary's (the same items in a comparison). */
function categoryTable(group: readonly EvalSummary[]): { head: string[]; rows: string[][] } {
  const labels = topologyLabels({ summaries: group });
  const categories = [...new Set(group.flatMap((summary) => Object.keys(summary.perCategory)))].sort();
  const rows = categories.map((category) => [
    category,
    String(group.find((summary) => summary.perCategory[category])?.perCategory[category]?.items ?? 0),
    ...group.map((summary) => {
      const entry = summary.perCategory[category];
      return entry ? formatQuality({ quality: { metric: summary.quality.metric, value: entry.value } }) : "-";
    }),
  ]);
  return { head: ["category", "items", ...labels], rows };
}

function benchCharts(bench: BenchmarkName, group: readonly EvalSummary[]): string[] {
  const labels = topologyLabels({ summaries: group });
  const quality = metricLabel({ metric: group[0]!.quality.metric });
  // Quality axes span the metric's whole scale: a 2-point gap must not look like a landslide.
  const qualityRange = group[0]!.quality.metric === "mt-bench" ? [1, 10] : [0, 100];
  const against = (title: string, xLabel: string, x: (summary: EvalSummary) => number, formatX?: (value: number) => string) => {
    const points: ScatterPoint[] = group.map((summary, index) => ({
      label: labels[index]!,
      x: x(summary),
      y: summary.quality.scored === 0 ? Number.NaN : summary.quality.value,
    }));
    return scatterChart({
      title: `${bench}: ${title}`,
      xLabel,
      yLabel: quality,
      points,
      includeX: [0],
      includeY: qualityRange,
      ...(formatX ? { formatX } : {}),
    });
  };
  const charts = [
    against("quality against calls", "calls per item", (summary) => summary.cost.callsPerItem),
    against("quality against tokens", "tokens per item", (summary) => summary.cost.inputTokensPerItem + summary.cost.outputTokensPerItem),
    against("quality against latency", "p50 latency (s)", (summary) => summary.cost.latencyMsP50 / 1000),
  ];
  const categories = [...new Set(group.flatMap((summary) => Object.keys(summary.perCategory)))].sort();
  charts.push(
    barChart({
      title: `${bench}: quality per category`,
      valueLabel: quality,
      groups: categories,
      series: group.map((summary, index) => ({
        name: labels[index]!,
        values: categories.map((category) => summary.perCategory[category]?.value),
      })),
      include: qualityRange,
    }),
  );
  const gated = group
    .map((summary, index) => ({ summary, label: labels[index]! }))
    .filter(({ summary }) => summary.gateSkipRate !== undefined);
  if (gated.length > 0) {
    charts.push(
      barChart({
        title: `${bench}: gate skip rate`,
        valueLabel: "turns where the aggregator was skipped (%)",
        groups: gated.map(({ label }) => label),
        series: [{ name: "skip rate", values: gated.map(({ summary }) => (summary.gateSkipRate ?? Number.NaN) * 100) }],
        include: [0, 100],
        format: (value) => `${formatTick({ value })}%`,
      }),
    );
  }
  const routed = group
    .map((summary, index) => ({ summary, label: labels[index]! }))
    .filter(({ summary }) => summary.routeShares !== undefined);
  if (routed.length > 0) {
    const routes = [...new Set(routed.flatMap(({ summary }) => Object.keys(summary.routeShares ?? {})))].sort();
    charts.push(
      barChart({
        title: `${bench}: router choices`,
        valueLabel: "routed turns (%)",
        groups: routes,
        series: routed.map(({ summary, label }) => ({
          name: label,
          values: routes.map((route) => (summary.routeShares?.[route] ?? 0) * 100),
        })),
        include: [0, 100],
        format: (value) => `${formatTick({ value })}%`,
      }),
    );
  }
  return charts;
}
