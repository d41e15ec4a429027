import { estimateTokens } from "./estimateTokens.js";

/** Counts tokens the way one model would; async because a real tokenizer may have to load the model first. */
export interface TokenCounter {
  count(text: string): Promise<number>;
  /** `"model"` when counts come from the model's own tokenizer, `"estimate"` for {@link estimateTokens}. */
  readonly kind: "model" | "estimate";
}

/**
 * The counter used when the model's tokenizer is unknown or unavailable: {@link estimateTokens}.
 *
 * @example
 * await ESTIMATE_COUNTER.count("abcdefgh"); // 2
 */
export const ESTIMATE_COUNTER: TokenCounter = {
  kind: "estimate",
  count: (text) => Promise.resolve(estimateTokens(text)),
};
