import type { AgentAnswer } from "../state/moaState.js";

/** Raised when every agent of a layer failed, so nothing can be aggregated. */
export class LayerFailedError extends Error {
  readonly layer: number;
  readonly failures: AgentAnswer[];

  constructor(layer: number, failures: AgentAnswer[]) {
    const detail = failures.map((f) => `  - ${f.agent} (${f.model}): ${f.error ?? "no answer"}`).join("\n");
    super(`layer ${layer}: no agent answered, so there is nothing to aggregate:\n${detail}`);
    this.name = "LayerFailedError";
    this.layer = layer;
    this.failures = failures;
  }
}

/**
 * The successful answers of `layer` in `turn`, in the order the agents are declared (not the order
 * they finished), so prompts are reproducible. Throws {@link LayerFailedError} when none succeeded.
 *
 * @example
 * const references = layerReferences(state.answers, { layer: 1, turn: 1 });
 */
export function layerReferences(answers: readonly AgentAnswer[], { layer, turn }: { layer: number; turn: number }): string[] {
  const ofLayer = answers
    .filter((a) => a.turn === turn && a.layer === layer && a.stage === undefined && a.role !== "router")
    .sort((a, b) => a.agentIndex - b.agentIndex);
  const succeeded = ofLayer.filter((a) => a.error === undefined && typeof a.content === "string" && a.content.trim() !== "");
  if (succeeded.length === 0) throw new LayerFailedError(layer, ofLayer);
  return succeeded.map((a) => a.content as string);
}

/** Which user turn the conversation is in: the number of human messages. */
export function currentTurn(messages: ReadonlyArray<{ getType(): string }>): number {
  return Math.max(1, messages.filter((m) => m.getType() === "human").length);
}
