import { currentTurn } from "../state/currentTurn.js";
import { wrapWords } from "../util/wrapWords.js";
import Table from "cli-table3";
import type { AgentAnswer, MoAStateValue } from "../state/moaState.js";
import type { RunReport } from "../report/buildRunReport.js";
import { redactCredentials } from "../util/redactCredentials.js";
import { stripTerminalControls } from "../util/stripTerminalControls.js";
import { clipText, fitColumns, TABLE_WIDTH, tableWidth } from "./fitColumns.js";
import { shortModelRef } from "./shortModelRef.js";

/** Seconds for latencies a person reads: two decimals under 10 s, one above. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The stage expert a call ran inside, as its title names it. */
export interface StageLabel {
  layer: number;
  agent: string;
}

/**
 * One agent's answer as a titled block, for `--show-layers`. A call inside a stage expert is titled
 * after the stage first (`layer 1 · panel › layer 2 · aggregator`), so it does not read as a call
 * of the outer topology.
 */
export function renderAnswerBlock(answer: AgentAnswer, { stage }: { stage?: StageLabel | undefined } = {}): string {
  const tokens = answer.usage ? ` · ${answer.usage.outputTokens} tokens` : "";
  const where = stage ? `layer ${stage.layer} · ${stage.agent} › ` : "";
  const title = `── ${where}layer ${answer.layer} · ${answer.agent} · ${answer.role} (${answer.model}) · ${formatSeconds(answer.latencyMs)}${tokens}`;
  const body =
    answer.error === undefined
      ? (answer.content ?? "").trim()
      : answer.late
        ? `[${lateStatus(answer.error)}]`
        : `[failed: ${answer.error}]`;
  return `${title}\n${body}\n`;
}

/** A quorum straggler's status: `late (cancelled)`, then what the record says about when. */
export function lateStatus(error: string): string {
  const detail = error.replace(/^late:\s*(cancelled)?\s*/, "");
  return detail === "" ? "late (cancelled)" : `late (cancelled) ${detail}`;
}

/**
 * This turn's routing and gate decisions not printed yet (`printed` remembers them across calls), for
 * `--show-layers`. A continued thread's state holds earlier turns' decisions too: those are not this run's.
 */
export function renderDecisions(state: Pick<MoAStateValue, "routes" | "gates" | "messages">, printed: Set<string>): string {
  const turn = currentTurn(state.messages);
  let out = "";
  for (const route of state.routes.filter((r) => r.turn === turn).slice(-1)) {
    const key = `route ${route.turn}`;
    if (printed.has(key)) continue;
    printed.add(key);
    const category = route.proposedCategory ?? route.category ?? "unknown";
    out += `── route · ${route.router} router: ${category} (confidence ${route.confidence.toFixed(2)})${route.usedFallback ? " -> fallback" : ""} -> ${route.experts.join(", ")}\n   ${route.reason}\n\n`;
  }
  for (const gate of state.gates.filter((g) => g.turn === turn).slice(-1)) {
    const key = `gate ${gate.turn}`;
    if (printed.has(key)) continue;
    printed.add(key);
    const groups = gate.groups.map((g) => `${g.key}: ${g.members.join(", ")}`).join(" | ");
    out += `── gate · ${gate.extractor}: C = ${gate.confidence.toFixed(2)} vs T = ${gate.threshold.toFixed(2)} -> ${gate.skipped ? `aggregator skipped, answer of ${gate.representative}` : "aggregating"}\n   groups: ${groups || "none"}\n\n`;
  }
  return out;
}

const NOTE_INDENT = "    ";

const SUMMARY_HEAD = ["layer", "agent", "role", "model", "latency", "in tok", "out tok", "status"];

/** The per-agent summary table printed after a run. */
export function renderSummaryTable(
  summary: Pick<RunReport, "rows" | "totals" | "cost">,
  { color = false }: { color?: boolean } = {},
): string {
  const { cost } = summary;
  const table = new Table({
    head: SUMMARY_HEAD,
    style: { head: color ? ["cyan"] : [], border: color ? ["grey"] : [] },
    // No rule between rows: the table stays short enough to read at a glance.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colAligns: ["right", "left", "left", "left", "right", "right", "right", "left"],
  });
  // A stage's calls follow the stage's own row: numbered within it (1.2 is the stage's layer 2) and indented.
  let stageLayer = 0;
  const cells = summary.rows.map((row) => {
    if (row.stage === undefined) stageLayer = row.layer;
    const inner = row.stage !== undefined;
    return [
      inner ? `${stageLayer}.${row.layer}` : String(row.layer),
      inner ? `└ ${cell(row.agent)}` : cell(row.agent),
      row.role,
      cell(row.model),
      formatSeconds(row.latencyMs),
      row.inputTokens === undefined ? "-" : String(row.inputTokens),
      row.outputTokens === undefined ? "-" : String(row.outputTokens),
      row.error === undefined ? "ok" : row.late ? "late (cancelled)" : `failed: ${truncate(cell(row.error), 60)}`,
    ];
  });
  const { rows, notes } = fitSummaryColumns(cells, summary.rows);
  table.push(...rows);
  const { calls, failed, late, inputTokens, outputTokens } = summary.totals;
  // Active parameters only when some model declared them (or a GGUF file told us).
  const params =
    cost && cost.activeParams > 0
      ? `, ${formatParams(cost.activeParams)} active parameters${cost.callsWithUnknownParams > 0 ? ` (${cost.callsWithUnknownParams} ${cost.callsWithUnknownParams === 1 ? "call" : "calls"} unknown)` : ""}`
      : "";
  return `${table.toString()}\n${notes}${calls} calls, ${failed} failed${late > 0 ? `, ${late} late (cancelled)` : ""}, ${inputTokens} input + ${outputTokens} output tokens${params}\n`;
}

// Long model references (hf: URIs, URLs) give way first, then failure texts, so the table fits 100 columns. When
// it still does not, failures are numbered in the table and their reasons printed under it, one line each.
function fitSummaryColumns(
  cells: string[][],
  summaryRows: ReadonlyArray<{ agent: string; error?: string; late?: boolean }>,
): { rows: string[][]; notes: string } {
  const overhead = 3 * SUMMARY_HEAD.length + 1;
  const shortRef = (text: string, max: number) => shortModelRef({ ref: text, max });
  const fit = (rows: string[][]) =>
    fitColumns({
      head: SUMMARY_HEAD,
      rows,
      overhead,
      shrink: [
        { column: 3, min: 28, shorten: shortRef },
        { column: 7, min: 24, shorten: clipText },
        { column: 1, min: 14, shorten: clipText },
        { column: 3, min: 18, shorten: shortRef },
      ],
    });
  const fitted = fit(cells);
  if (tableWidth({ head: SUMMARY_HEAD, rows: fitted, overhead }) <= TABLE_WIDTH) return { rows: fitted, notes: "" };
  let failures = 0;
  let notes = "";
  const numbered = cells.map((row, i) => {
    const error = summaryRows[i]?.error;
    if (error === undefined || summaryRows[i]?.late) return row;
    failures++;
    // The note is there to carry the whole reason: wrapped, never cut.
    const note = wrapWords({
      text: `[${failures}] ${cell(summaryRows[i]!.agent)}: ${cell(error)}`,
      width: TABLE_WIDTH - NOTE_INDENT.length,
    });
    notes += `${note.join(`\n${NOTE_INDENT}`)}\n`;
    return row.map((text, c) => (c === 7 ? `failed [${failures}]` : text));
  });
  return { rows: fit(numbered), notes };
}

/** 17e9 -> "17.0B"; 360e6 -> "360M". */
export function formatParams(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(1)}B`;
  // Small models differ in the first decimal (0.5B, 1.5B: 1.5M for a test model), large ones do not.
  if (count >= 1e6) return count < 1e7 ? `${(count / 1e6).toFixed(1)}M` : `${Math.round(count / 1e6)}M`;
  return String(Math.round(count));
}

// A table is read, never parsed: server text in it goes without control sequences (they would break
// its columns, and at a terminal act on it) and without URL credentials, wherever it is printed.
function cell(text: string): string {
  return stripTerminalControls(redactCredentials(text));
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
