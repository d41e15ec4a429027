import { latestTurnAnswers, type AgentAnswer, type MoAStateValue } from "../state/moaState.js";

/** One row of the per-agent summary table. */
export interface AgentSummaryRow {
  layer: number;
  agent: string;
  role: AgentAnswer["role"];
  model: string;
  latencyMs: number;
  inputTokens?: number;
  outputTokens?: number;
  error?: string;
  /** A quorum layer went on without this agent and cancelled its call: not a failure. */
  late?: boolean;
  /** A stage expert's own row: its calls are the rows of its stage. */
  composite?: boolean;
  /**
   * On the rows of a stage's calls: the stage expert's node id. Their `layer` is the layer inside the
   * stage; they follow the stage's own row.
   */
  stage?: string;
}

/** What a run produced and cost. */
export interface RunSummary {
  /** The final answer text, if the run produced one. */
  answer: string | undefined;
  rows: AgentSummaryRow[];
  /** `failed` counts failed calls; `late` the quorum stragglers that were cancelled (not failures). */
  totals: { calls: number; failed: number; late: number; inputTokens: number; outputTokens: number };
}

/**
 * Summarizes the latest turn of an MoA run: the answer, and per agent (in layer and declared order,
 * a stage's calls right after the stage's own row) its model, latency and tokens.
 *
 * @example
 * const state = await graph.invoke({ messages: [{ role: "user", content: "Hi" }] });
 * const { answer, totals } = summarizeRun(state);
 */
export function summarizeRun(state: Pick<MoAStateValue, "messages" | "answers">): RunSummary {
  const last = state.messages.at(-1);
  const answer = last && last.getType() === "ai" ? last.text : undefined;
  const byPosition = (a: AgentAnswer, b: AgentAnswer) => a.layer - b.layer || a.agentIndex - b.agentIndex;
  const answers = latestTurnAnswers(state.answers);
  const outer = answers.filter((a) => a.stage === undefined || !answers.some((o) => o.nodeId === a.stage)).sort(byPosition);
  const ordered = outer.flatMap((a) => [
    a,
    ...answers.filter((inner) => inner.stage === a.nodeId && a.stage === undefined).sort(byPosition),
  ]);
  const rows = ordered.map((a) => ({
    layer: a.layer,
    agent: a.agent,
    role: a.role,
    model: a.model,
    latencyMs: a.latencyMs,
    ...(a.usage ? { inputTokens: a.usage.inputTokens, outputTokens: a.usage.outputTokens } : {}),
    ...(a.error !== undefined ? { error: a.error } : {}),
    ...(a.late ? { late: true } : {}),
    ...(a.composite ? { composite: true } : {}),
    ...(a.stage !== undefined ? { stage: a.stage } : {}),
  }));
  const calls = rows.filter((r) => !r.composite);
  const totals = {
    calls: calls.length,
    failed: calls.filter((r) => r.error !== undefined && !r.late).length,
    late: calls.filter((r) => r.late).length,
    inputTokens: calls.reduce((n, r) => n + (r.inputTokens ?? 0), 0),
    outputTokens: calls.reduce((n, r) => n + (r.outputTokens ?? 0), 0),
  };
  return { answer, rows, totals };
}
