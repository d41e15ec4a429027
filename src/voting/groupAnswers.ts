import type { AnswerExtractor, ClusterExtractor } from "./AnswerExtractor.js";

/** Responses that gave the same answer. */
export interface AnswerGroup {
  /** The answer: the extracted key, or for clusters the first member's normalised text. */
  key: string;
  /** Positions in the input, ascending; the first is the group's representative. */
  indices: number[];
}

/** What {@link groupAnswers} returns. */
export interface AnswerGroups {
  /** Per response, in input order: its extracted answer, or `undefined` when it had none. */
  answers: Array<string | undefined>;
  /** Groups in order of their first member; responses without an answer are in none. */
  groups: AnswerGroup[];
}

/** Options of {@link groupAnswers}. */
export interface GroupAnswersOptions {
  responses: readonly string[];
  extractor: AnswerExtractor;
}

/** Absorbs rounding in similarity scores (a cosine of 0.7999999999 meets a threshold of 0.8). */
const EPSILON = 1e-9;

/**
 * Extracts every response's answer and groups equal answers. Key extractors group by equal keys.
 * Cluster extractors go through the responses in input order: each joins the existing group whose
 * representative (first member) it is most similar to, if that similarity reaches the threshold
 * (ties go to the earlier group), else it starts a new group. Comparing with the representative
 * rather than any member keeps a chain of small drifts (A~B, B~C, A!~C) from merging A and C.
 *
 * @example
 * const { groups } = await groupAnswers({ responses: ["#### 42", "It is 42.", "41"], extractor: createExtractor({ type: "number" }) });
 * // groups: [{ key: "42", indices: [0, 1] }, { key: "41", indices: [2] }]
 */
export async function groupAnswers({ responses, extractor }: GroupAnswersOptions): Promise<AnswerGroups> {
  const answers = responses.map((text) => extractor.extract(text));
  const groups = extractor.kind === "cluster" ? await cluster(answers, extractor) : byKey(answers);
  return { answers, groups };
}

function byKey(answers: ReadonlyArray<string | undefined>): AnswerGroup[] {
  const groups = new Map<string, AnswerGroup>();
  answers.forEach((key, index) => {
    if (key === undefined) return;
    const group = groups.get(key);
    if (group) group.indices.push(index);
    else groups.set(key, { key, indices: [index] });
  });
  return [...groups.values()];
}

async function cluster(answers: ReadonlyArray<string | undefined>, extractor: ClusterExtractor): Promise<AnswerGroup[]> {
  const present = answers.flatMap((answer, index) => (answer === undefined ? [] : [{ answer, index }]));
  const matrix = await extractor.similarities(present.map((p) => p.answer));
  const groups: Array<AnswerGroup & { leader: number }> = [];
  present.forEach(({ answer, index }, position) => {
    let best: (typeof groups)[number] | undefined;
    let bestScore = -Infinity;
    for (const group of groups) {
      // Identical answers always agree, whatever the measure says (a zero embedding, say), so keys stay unique.
      const score = group.key === answer ? 1 : (matrix[position]?.[group.leader] ?? 0);
      if (score > bestScore) {
        best = group;
        bestScore = score;
      }
    }
    if (best && bestScore + EPSILON >= extractor.threshold) best.indices.push(index);
    else groups.push({ key: answer, indices: [index], leader: position });
  });
  return groups.map(({ key, indices }) => ({ key, indices }));
}
