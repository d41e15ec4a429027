import type { AgentAnswer } from "../state/moaState.js";
import { MoAError } from "../errors/MoAError.js";
import { currentTurn } from "../state/currentTurn.js";

/**
 * Raised when a layer has fewer answers than it needs: none at all, or fewer than its
 * `minSuccessful`. The message lists each failed agent's error.
 */
export class LayerFailedError extends MoAError {
  readonly layer: number;
  /** The records of the agents that did not answer. */
  readonly failures: AgentAnswer[];
  readonly answered: number;
  readonly minSuccessful: number;

  /** `records`: every record of the layer (failed ones, and any that answered). */
  constructor(layer: number, records: AgentAnswer[], minSuccessful = 1) {
    const failures = records.filter((r) => !isSuccessful(r));
    const answered = records.length - failures.length;
    const detail = failures.map((f) => `  - ${f.agent} (${f.model}): ${f.error ?? "no answer"}`).join("\n");
    super(
      answered === 0
        ? `layer ${layer}: no agent answered, so there is nothing to aggregate:\n${detail}`
        : `layer ${layer}: only ${answered} of ${records.length} agents answered, minSuccessful is ${minSuccessful}:\n${detail}`,
      { code: "layer_failed", category: "run" },
    );
    this.name = "LayerFailedError";
    this.layer = layer;
    this.failures = failures;
    this.answered = answered;
    this.minSuccessful = minSuccessful;
  }
}

/**
 * The successful answers of `layer` in `turn`, in the order the agents are declared (not the order
 * they finished), so prompts are reproducible. Throws {@link LayerFailedError} when fewer than
 * `minSuccessful` (default 1) succeeded; an aggregating agent passes its
 * `previousLayerMinSuccessful`.
 *
 * @example
 * const references = layerReferences(state.answers, { layer: 1, turn: 1, minSuccessful: agent.previousLayerMinSuccessful });
 */
export function layerReferences(
  answers: readonly AgentAnswer[],
  { layer, turn, minSuccessful = 1 }: { layer: number; turn: number; minSuccessful?: number | undefined },
): string[] {
  return successfulLayerAnswers(answers, { layer, turn, minSuccessful }).map((a) => a.content as string);
}

/**
 * The successful records of `layer` in `turn` in declared order, like {@link layerReferences}
 * (which returns their text), for callers that need to know who answered.
 *
 * @example
 * const [first] = successfulLayerAnswers(state.answers, { layer: 1, turn: 1 });
 */
export function successfulLayerAnswers(
  answers: readonly AgentAnswer[],
  { layer, turn, minSuccessful = 1 }: { layer: number; turn: number; minSuccessful?: number | undefined },
): AgentAnswer[] {
  const ofLayer = answers
    .filter((a) => a.turn === turn && a.layer === layer && a.stage === undefined && a.role !== "router")
    .sort((a, b) => a.agentIndex - b.agentIndex);
  const succeeded = ofLayer.filter(isSuccessful);
  // A router may have chosen fewer agents than minSuccessful: then all of them must answer.
  if (succeeded.length < Math.max(1, Math.min(minSuccessful, ofLayer.length))) throw new LayerFailedError(layer, ofLayer, minSuccessful);
  return succeeded;
}

/**
 * Throws {@link LayerFailedError} when the layer an aggregating agent reads has fewer answers than
 * it must (`previousLayerMinSuccessful`); does nothing for agents that read no layer.
 *
 * @example
 * assertPreviousLayer(agent, state); // before calling the aggregator
 */
export function assertPreviousLayer(
  agent: { role: string; layer: number; previousLayerMinSuccessful?: number | undefined },
  state: { answers: readonly AgentAnswer[]; messages: ReadonlyArray<{ getType(): string }> },
): void {
  if (agent.role !== "refiner" && agent.role !== "final") return;
  successfulLayerAnswers(state.answers, {
    layer: agent.layer - 1,
    turn: currentTurn(state.messages),
    minSuccessful: agent.previousLayerMinSuccessful,
  });
}

function isSuccessful(a: AgentAnswer): boolean {
  return a.error === undefined && typeof a.content === "string" && a.content.trim() !== "";
}
