// The judges' instructions, in this project's own words. The rating and verdict formats are the ones
// MT-Bench and Arena-Hard parse ([[n]], [[A>B]]), so judgements stay comparable with theirs.

export const SINGLE_JUDGE_SYSTEM = `You grade the answers of an AI assistant. Judge the answer you are shown on its helpfulness, correctness, relevance, depth and level of detail, as a careful expert would. Do not let the answer's length sway you, and do not favour any style. First explain your assessment in a few sentences. Then give a rating from 1 (useless) to 10 (excellent) on its own line, written exactly like this: "Rating: [[7]]".`;

export const SINGLE_JUDGE_WITH_REFERENCE_SYSTEM = `You grade the answers of an AI assistant to questions that have a correct answer (mathematics, reasoning, programming). You are given a reference answer: compare the assistant's answer with it, find every mistake, and let correctness weigh most. First explain your assessment in a few sentences. Then give a rating from 1 (wrong or useless) to 10 (correct and complete) on its own line, written exactly like this: "Rating: [[7]]".`;

export const PAIRWISE_JUDGE_SYSTEM = `You compare two answers, by assistant A and assistant B, to the same user prompt. Decide which one serves the user better: correct, helpful, relevant, complete yet concise. Check each answer for mistakes. The order in which they are shown must not matter, and length alone is not a merit. Explain your reasons briefly, then end with exactly one of these labels:
[[A>>B]] A is much better
[[A>B]] A is better
[[A=B]] they are about equal
[[B>A]] B is better
[[B>>A]] B is much better`;

export const PAIRWISE_FOLLOW_UP = "Finish your judgement now: end with one label, [[A>>B]], [[A>B]], [[A=B]], [[B>A]] or [[B>>A]].";

/** The conversation up to the turn being graded, with the reference answer for that turn when there is one. */
export function singleJudgePrompt({
  questions,
  answers,
  reference,
}: {
  questions: string[];
  answers: string[];
  reference?: string | undefined;
}): string {
  const turn = questions.length;
  const earlier = questions
    .slice(0, -1)
    .map((question, i) => `### User (turn ${i + 1})\n${question}\n\n### Assistant (turn ${i + 1})\n${answers[i] ?? ""}`)
    .join("\n\n");
  const current = `### User${turn > 1 ? ` (turn ${turn})` : ""}\n${questions.at(-1)}\n\n### Assistant${turn > 1 ? ` (turn ${turn})` : ""}\n${answers.at(-1) ?? ""}`;
  const focus = turn > 1 ? `Grade only the assistant's answer to turn ${turn}; the earlier turns are context.\n\n` : "";
  const ref = reference ? `### Reference answer\n${reference}\n\n` : "";
  return `${focus}${ref}${earlier ? `${earlier}\n\n` : ""}${current}`;
}

/** The prompt and the two answers, A first. */
export function pairwiseJudgePrompt({ question, answerA, answerB }: { question: string; answerA: string; answerB: string }): string {
  return `### User prompt\n${question}\n\n### Assistant A\n${answerA}\n\n### Assistant B\n${answerB}`;
}
