/**
 * Turns one expert response into a short, comparable answer key (`"42"`, `"B"`), or `undefined`
 * when the response holds no answer. Two responses agree when their keys are equal.
 */
export interface KeyExtractor {
  readonly kind: "key";
  /** Names the extractor in gate reasons and errors (`number`, `choice`, `exact`). */
  readonly name: string;
  extract(text: string): string | undefined;
}

/**
 * For free text, where equal strings are too strict: responses agree when their similarity reaches
 * `threshold`. `extract` only normalises (and returns `undefined` for a blank response); grouping
 * is done by {@link groupAnswers} with `similarities`.
 */
export interface ClusterExtractor {
  readonly kind: "cluster";
  readonly name: string;
  /** Similarity at or above which two answers are the same answer, in [0, 1]. */
  readonly threshold: number;
  extract(text: string): string | undefined;
  /**
   * Pairwise similarity of the given answers: `result[i][j]` in [0, 1]. Asynchronous because
   * embedding-based measures call a model.
   */
  similarities(answers: readonly string[]): Promise<number[][]>;
}

/** Either kind of extractor; {@link groupAnswers} accepts both. */
export type AnswerExtractor = KeyExtractor | ClusterExtractor;
