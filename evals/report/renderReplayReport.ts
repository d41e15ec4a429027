import type { ReplayResult } from "../replay/types.js";
import { lineChart } from "./charts/lineChart.js";
import { escapeXml, formatTick } from "./charts/svgChart.js";
import { formatShare } from "./formatEvalValues.js";
import { htmlFigure, htmlPage, htmlTable, markdownCell, markdownTable } from "./reportMarkup.js";

/** Options of {@link renderReplayMarkdown} and {@link renderReplayHtml}. */
export interface RenderReplayOptions {
  /** One result per benchmark replayed. */
  results: readonly ReplayResult[];
}

const TITLE = "moa eval replay: routers and gates on recorded answers";
const ROUTER_HEAD = ["router", "APGR", "AUC", "strong share for 20%", "for 50%", "for 80%"];
const GATE_HEAD = ["threshold", "skipped", "skip rate", "accuracy", "accuracy when skipped"];
const CALIBRATED_HEAD = ["split", "items", "skip rate", "accuracy", "always aggregate"];

/** A percent axis label for 0..1 values plotted as percentages. */
const percentTick = (value: number) => `${formatTick({ value })}%`;

/**
 * The Markdown report of `moa eval replay`: per benchmark, the strong and weak models, every router's APGR,
 * AUC and strong-call shares for 20, 50 and 80% of the gap, the gate's thresholds, and the calibrated gate.
 * Charts are in the HTML report.
 *
 * @example
 * writeFileSync("report.md", renderReplayMarkdown({ results }));
 */
export function renderReplayMarkdown({ results }: RenderReplayOptions): string {
  const parts = [`# ${TITLE}`];
  const table = (head: readonly string[], rows: string[][]) =>
    markdownTable({ head: head.map((text) => markdownCell({ text })), rows: rows.map((row) => row.map((text) => markdownCell({ text }))) });
  for (const result of results) {
    parts.push(
      "",
      `## ${result.benchmark} (${result.items} items)`,
      "",
      markdownCell({ text: modelsLine(result) }),
      "",
      table(ROUTER_HEAD, routerRows(result)),
    );
    if (result.gate) {
      parts.push("", "### Gate", "", markdownCell({ text: gateLine(result) }), "", table(GATE_HEAD, gateRows(result)));
    }
    if (result.calibratedGate) {
      parts.push(
        "",
        "### Calibrated gate",
        "",
        markdownCell({ text: calibratedLine(result) }),
        "",
        table(CALIBRATED_HEAD, calibratedRows(result)),
      );
    }
  }
  parts.push("", "Charts: see report.html.", "");
  return parts.join("\n");
}

/**
 * The HTML report of `moa eval replay`: the tables of {@link renderReplayMarkdown}, plus per benchmark a
 * chart of every router's curve (strong-call share against accuracy, with the always-weak and
 * always-strong accuracies as reference lines) and the gate's skip rate against accuracy. Self-contained:
 * inline CSS and SVG, no script, no external resource.
 *
 * @example
 * writeFileSync("report.html", renderReplayHtml({ results }));
 */
export function renderReplayHtml({ results }: RenderReplayOptions): string {
  const parts = [`<h1>${escapeXml({ text: TITLE })}</h1>`];
  for (const result of results) {
    parts.push(
      `<h2>${escapeXml({ text: `${result.benchmark} (${result.items} items)` })}</h2>`,
      `<p class="note">${escapeXml({ text: modelsLine(result) })}</p>`,
    );
    parts.push(htmlTable({ head: ROUTER_HEAD, rows: routerRows(result), numeric: [1, 2, 3, 4, 5] }));
    const charts = [routerChart(result)];
    if (result.gate) charts.push(gateChart(result));
    parts.push(`<div class="charts">${charts.map((svg) => htmlFigure({ svg })).join("\n")}</div>`);
    if (result.gate) {
      parts.push(
        "<h3>Gate</h3>",
        `<p class="note">${escapeXml({ text: gateLine(result) })}</p>`,
        htmlTable({ head: GATE_HEAD, rows: gateRows(result), numeric: [0, 1, 2, 3, 4] }),
      );
    }
    if (result.calibratedGate) {
      parts.push(
        "<h3>Calibrated gate</h3>",
        `<p class="note">${escapeXml({ text: calibratedLine(result) })}</p>`,
        htmlTable({ head: CALIBRATED_HEAD, rows: calibratedRows(result), numeric: [1, 2, 3, 4] }),
      );
    }
  }
  return htmlPage({ title: TITLE, body: parts.join("\n") });
}

function modelsLine(result: ReplayResult): string {
  return `strong ${result.strong.model}: ${formatShare({ share: result.strong.accuracy })}; weak ${result.weak.model}: ${formatShare({ share: result.weak.accuracy })}`;
}

function routerRows(result: ReplayResult): string[][] {
  return result.routers.map((router) => [
    router.router,
    router.apgr.toFixed(3),
    router.auc.toFixed(3),
    formatShare({ share: router.strongShareFor["20"] }),
    formatShare({ share: router.strongShareFor["50"] }),
    formatShare({ share: router.strongShareFor["80"] }),
  ]);
}

function gateLine(result: ReplayResult): string {
  const gate = result.gate!;
  return `experts ${gate.experts.join(", ")}; aggregator stand-in ${gate.aggregatorStandIn}; extractor ${gate.extractor}; always aggregating: ${formatShare({ share: gate.alwaysAggregateAccuracy })}`;
}

function gateRows(result: ReplayResult): string[][] {
  return (result.gate?.thresholds ?? []).map((row) => [
    String(row.threshold),
    String(row.skipped),
    formatShare({ share: row.skipRate }),
    formatShare({ share: row.accuracy }),
    formatShare({ share: row.skippedAccuracy }),
  ]);
}

function calibratedLine(result: ReplayResult): string {
  const gate = result.calibratedGate!;
  return `threshold ${gate.threshold} (extractor ${gate.extractor}): the lowest within ${formatShare({ share: gate.tolerance })} of always aggregating on the calibration split`;
}

function calibratedRows(result: ReplayResult): string[][] {
  const gate = result.calibratedGate!;
  const row = (split: string, items: number, measured: { skipRate: number; accuracy: number; alwaysAggregateAccuracy: number }) => [
    split,
    String(items),
    formatShare({ share: measured.skipRate }),
    formatShare({ share: measured.accuracy }),
    formatShare({ share: measured.alwaysAggregateAccuracy }),
  ];
  return [row("calibration", gate.calibrationItems, gate.calibration), row("held out", gate.heldOutItems, gate.heldOut)];
}

function routerChart(result: ReplayResult): string {
  return lineChart({
    title: `${result.benchmark}: router curves`,
    xLabel: "calls to the strong model (%)",
    yLabel: "accuracy (%)",
    series: result.routers.map((router) => ({
      name: router.router,
      points: router.points.map((point) => ({ x: point.strongShare * 100, y: point.quality * 100 })),
    })),
    references: [
      { label: `always weak (${result.weak.model})`, y: result.weak.accuracy * 100 },
      { label: `always strong (${result.strong.model})`, y: result.strong.accuracy * 100 },
    ],
    includeX: [0, 100],
    formatX: percentTick,
    formatY: percentTick,
  });
}

function gateChart(result: ReplayResult): string {
  const gate = result.gate!;
  return lineChart({
    title: `${result.benchmark}: gate skip rate against accuracy`,
    xLabel: "turns where the aggregator was skipped (%)",
    yLabel: "accuracy (%)",
    series: [{ name: "gate", points: gate.thresholds.map((row) => ({ x: row.skipRate * 100, y: row.accuracy * 100 })) }],
    references: [{ label: "always aggregate", y: gate.alwaysAggregateAccuracy * 100 }],
    includeX: [0, 100],
    formatX: percentTick,
    formatY: percentTick,
  });
}
