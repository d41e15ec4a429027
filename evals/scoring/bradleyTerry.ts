import type { PairwiseVerdict } from "./pairwiseVerdict.js";

/** One judged game: the model's answer (A or B, after any swap undone) against the baseline's. */
export interface Battle {
  /** Groups the games of one question, which a bootstrap resamples together. */
  questionId: string;
  model: string;
  /** The verdict with the model as A and the baseline as B. */
  verdict: PairwiseVerdict;
}

/** Options of {@link bradleyTerry}. */
export interface BradleyTerryOptions {
  baseline: string;
  /** How many battles a strong verdict (`>>`) counts for, as Arena-Hard does (3). */
  strongWeight?: number;
  /** Bootstrap rounds for the 95% interval (Arena-Hard: 100); 0 for none. */
  bootstrapRounds?: number;
  /** Seeded draws for the bootstrap, so that a report is reproducible. */
  random?: () => number;
}

/** A model's Bradley-Terry score against the baseline. */
export interface BradleyTerryScore {
  model: string;
  /** Elo-scale rating, the baseline anchored at 1000. */
  rating: number;
  /** Predicted win rate against the baseline, in percent. */
  winRate: number;
  /** 2.5% and 97.5% quantiles of the win rate over bootstrap rounds; absent without rounds. */
  interval?: [number, number];
  battles: number;
}

const SCALE = 400;
const ANCHOR = 1000;

/**
 * Bradley-Terry scores of models judged pairwise against one baseline (Arena-Hard style): each game is a
 * battle, a strong verdict counts `strongWeight` times, a tie half a win each. The strengths are the
 * maximum-likelihood fit (Hunter's minorisation-maximisation), put on the Elo scale with the baseline at
 * 1000; the score is the predicted win rate against the baseline, with a percentile bootstrap interval
 * over questions.
 *
 * @example
 * const [score] = bradleyTerry([{ questionId: "q1", model: "moa", verdict: "A>B" }, ...], { baseline: "gpt-4" });
 * score.winRate; // e.g. 62.5
 */
export function bradleyTerry(battles: readonly Battle[], options: BradleyTerryOptions): BradleyTerryScore[] {
  const { baseline, strongWeight = 3, bootstrapRounds = 100, random = Math.random } = options;
  const models = [...new Set(battles.map((battle) => battle.model))].filter((model) => model !== baseline).sort();
  const point = fit(battles, baseline, strongWeight);
  const rounds: Array<Map<string, number>> = [];
  if (bootstrapRounds > 0) {
    const byQuestion = new Map<string, Battle[]>();
    for (const battle of battles) byQuestion.set(battle.questionId, [...(byQuestion.get(battle.questionId) ?? []), battle]);
    const questions = [...byQuestion.values()];
    for (let round = 0; round < bootstrapRounds; round++) {
      const sample: Battle[] = [];
      for (let i = 0; i < questions.length; i++) sample.push(...questions[Math.floor(random() * questions.length)]!);
      rounds.push(fit(sample, baseline, strongWeight));
    }
  }
  return models.map((model) => {
    const rating = point.get(model) ?? Number.NaN;
    const samples = rounds.map((round) => winRate(round.get(model) ?? Number.NaN)).filter(Number.isFinite);
    return {
      model,
      rating,
      winRate: winRate(rating),
      ...(samples.length > 0 ? { interval: [quantile(samples, 0.025), quantile(samples, 0.975)] as [number, number] } : {}),
      battles: battles.filter((battle) => battle.model === model).length,
    };
  });
}

/** The predicted win rate (percent) of a rating against the anchored baseline. */
function winRate(rating: number): number {
  return 100 / (1 + 10 ** ((ANCHOR - rating) / SCALE));
}

/**
 * Ratings by maximum likelihood over the weighted win/tie counts of every pair of players. A player
 * that never lost (or never won) has no finite maximum; half a pseudo-game against the baseline each
 * way keeps every strength finite, as a weak prior.
 */
function fit(battles: readonly Battle[], baseline: string, strongWeight: number): Map<string, number> {
  const players = [baseline, ...new Set(battles.map((battle) => battle.model).filter((model) => model !== baseline))];
  const index = new Map(players.map((player, i) => [player, i]));
  const n = players.length;
  const wins = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const add = (winner: number, loser: number, weight: number) => (wins[winner]![loser]! += weight);
  for (let i = 1; i < n; i++) {
    add(i, 0, 0.5);
    add(0, i, 0.5);
  }
  for (const { model, verdict } of battles) {
    const m = index.get(model)!;
    const weight = verdict.includes(">>") ? strongWeight : 1;
    if (verdict.startsWith("A>")) add(m, 0, weight);
    else if (verdict.startsWith("B>")) add(0, m, weight);
    else {
      add(m, 0, weight / 2);
      add(0, m, weight / 2);
    }
  }
  let strength = new Array<number>(n).fill(1);
  for (let iteration = 0; iteration < 10_000; iteration++) {
    const next = strength.map((p, i) => {
      let won = 0;
      let denominator = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const games = wins[i]![j]! + wins[j]![i]!;
        won += wins[i]![j]!;
        if (games > 0) denominator += games / (p + strength[j]!);
      }
      return denominator > 0 ? won / denominator : p;
    });
    // Only ratios matter: keep the baseline at 1.
    const anchor = next[0]!;
    const normalized = next.map((p) => p / anchor);
    const change = Math.max(...normalized.map((p, i) => Math.abs(Math.log(p / strength[i]!))));
    strength = normalized;
    if (change < 1e-10) break;
  }
  return new Map(players.map((player, i) => [player, ANCHOR + SCALE * Math.log10(strength[i]!)]));
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}
