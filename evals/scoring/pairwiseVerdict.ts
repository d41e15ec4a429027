/** A pairwise judge's verdict between answers A and B, strongest for A first. */
export type PairwiseVerdict = "A>>B" | "A>B" | "A=B" | "B>A" | "B>>A";

const VERDICT = /\[\[\s*(A>>B|A>B|A=B|B>A|B>>A|B<<A|B<A|A<B|A<<B)\s*\]\]/g;
const MIRRORED: Record<string, PairwiseVerdict> = { "B<<A": "A>>B", "B<A": "A>B", "A<B": "B>A", "A<<B": "B>>A" };

/**
 * The last verdict label `[[A>>B]]` .. `[[B>>A]]` in a pairwise judgement (also written `[[A<B]]`), or
 * `undefined` when there is none.
 *
 * @example
 * parsePairwiseVerdict("Assistant B is slightly better: [[B>A]]"); // "B>A"
 */
export function parsePairwiseVerdict(judgement: string): PairwiseVerdict | undefined {
  const label = [...judgement.matchAll(VERDICT)].at(-1)?.[1];
  if (label === undefined) return undefined;
  return MIRRORED[label] ?? (label as PairwiseVerdict);
}

/**
 * The verdict with the answers' places swapped: the second game of a pair shows the answers in the other
 * order, and its verdict is read back in the first game's terms.
 *
 * @example
 * swapVerdict("A>>B"); // "B>>A"
 */
export function swapVerdict(verdict: PairwiseVerdict): PairwiseVerdict {
  return ({ "A>>B": "B>>A", "A>B": "B>A", "A=B": "A=B", "B>A": "A>B", "B>>A": "A>>B" } as const)[verdict];
}
