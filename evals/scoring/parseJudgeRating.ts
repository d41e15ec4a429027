/** Ratings a single-answer judge may give. */
export const RATING_MIN = 1;
export const RATING_MAX = 10;

// The judge is asked to end with "Rating: [[5]]"; some write "[5]". The last bracketed rating counts:
// a judge that quotes the format ("in the form [[rating]]") or revises itself ends with its own verdict.
const DOUBLE = /\[\[\s*(\d+(?:\.\d+)?)\s*\]\]/g;
const SINGLE = /\[\s*(\d+(?:\.\d+)?)\s*\]/g;

/**
 * The rating of an MT-Bench style single-answer judgement: the last `[[n]]`, else the last `[n]`, when
 * it lies in 1..10. Returns `undefined` for a judgement without one (counted and reported as unparsable,
 * never scored as 0).
 *
 * @example
 * parseJudgeRating("Helpful and correct. Rating: [[8.5]]"); // 8.5
 * parseJudgeRating("I cannot rate this."); // undefined
 */
export function parseJudgeRating(judgement: string): number | undefined {
  for (const pattern of [DOUBLE, SINGLE]) {
    const matches = [...judgement.matchAll(pattern)];
    const last = matches.at(-1);
    if (!last) continue;
    const rating = Number(last[1]);
    return rating >= RATING_MIN && rating <= RATING_MAX ? rating : undefined;
  }
  return undefined;
}
