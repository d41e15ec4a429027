import { stageDemand } from "../../../src/scheduling/stageDemand.js";
import type { SchedulingProblem } from "../../../src/scheduling/types.js";

/** One model's choice in one stage: the workers it is loaded on and its prompts on each. */
interface Choice {
  workers: number[];
  counts: number[];
}

/**
 * The optimum of the ILP's model by enumeration: every placement set within the replica cap and the
 * models' fitsOn, every split of each model's prompts over it (zero included, as the ILP allows), and
 * on each worker the best model to keep from its expert stage into its aggregator stage. Branches whose
 * partial stage length already reaches the best total are cut; both partial lengths only grow.
 *
 * @example
 * bruteForceOptimum({ problem }); // 84.5
 */
export function bruteForceOptimum({ problem }: { problem: SchedulingProblem }): number {
  const { workers, models } = problem;
  const demand = stageDemand({ problem });
  const choicesOf = (prompts: number[]) =>
    models.map((model, m) => (prompts[m] === 0 ? [] : choices(model.fitsOn, model.maxReplicas, prompts[m]!)));
  const expertChoices = choicesOf(demand.expertPrompts);
  const aggregatorChoices = choicesOf(demand.aggregatorPrompts);
  let best = Infinity;

  const expertSpan = workers.map(() => 0);
  const expertPlaced = workers.map(() => new Set<number>());
  const aggregatorSum = workers.map(() => 0);
  const aggregatorPlaced = workers.map((): number[] => []);
  const aggregatorSpan = (w: number) => {
    let saving = 0;
    for (const g of aggregatorPlaced[w]!) if (expertPlaced[w]!.has(g)) saving = Math.max(saving, models[g]!.loadSeconds[w]!);
    return aggregatorSum[w]! - saving;
  };

  const aggregatorStage = (m: number, expert: number) => {
    const span = Math.max(0, ...workers.map((_, w) => aggregatorSpan(w)));
    if (expert + span >= best) return;
    if (m === models.length) return void (best = expert + span);
    if (aggregatorChoices[m]!.length === 0) return aggregatorStage(m + 1, expert);
    for (const { workers: on, counts } of aggregatorChoices[m]!) {
      on.forEach((w, i) => {
        aggregatorSum[w]! += models[m]!.loadSeconds[w]! + (counts[i]! * demand.aggregatorSecondsPerPrompt[m]!) / workers[w]!.speed;
        aggregatorPlaced[w]!.push(m);
      });
      aggregatorStage(m + 1, expert);
      on.forEach((w, i) => {
        aggregatorSum[w]! -= models[m]!.loadSeconds[w]! + (counts[i]! * demand.aggregatorSecondsPerPrompt[m]!) / workers[w]!.speed;
        aggregatorPlaced[w]!.pop();
      });
    }
  };
  const expertStage = (m: number) => {
    const span = Math.max(...expertSpan);
    if (span >= best) return;
    if (m === models.length) return aggregatorStage(0, span);
    if (expertChoices[m]!.length === 0) return expertStage(m + 1);
    for (const { workers: on, counts } of expertChoices[m]!) {
      on.forEach((w, i) => {
        expertSpan[w]! += models[m]!.loadSeconds[w]! + (counts[i]! * models[m]!.meanServiceSeconds) / workers[w]!.speed;
        expertPlaced[w]!.add(m);
      });
      expertStage(m + 1);
      on.forEach((w, i) => {
        expertSpan[w]! -= models[m]!.loadSeconds[w]! + (counts[i]! * models[m]!.meanServiceSeconds) / workers[w]!.speed;
        expertPlaced[w]!.delete(m);
      });
    }
  };
  expertStage(0);
  return best;
}

function choices(fitsOn: number[], maxReplicas: number, prompts: number): Choice[] {
  const result: Choice[] = [];
  const subsets = (from: number, picked: number[]) => {
    if (picked.length > 0) for (const counts of splits(prompts, picked.length)) result.push({ workers: [...picked], counts });
    if (picked.length === maxReplicas) return;
    for (let i = from; i < fitsOn.length; i++) subsets(i + 1, [...picked, fitsOn[i]!]);
  };
  subsets(0, []);
  return result;
}

function splits(total: number, parts: number): number[][] {
  if (parts === 1) return [[total]];
  const result: number[][] = [];
  for (let first = 0; first <= total; first++) for (const rest of splits(total - first, parts - 1)) result.push([first, ...rest]);
  return result;
}
