import type { Plan } from "../plannedMakespan.js";
import type { StageDemand } from "../stageDemand.js";
import type { SchedulingProblem } from "../types.js";

/**
 * The mixed-integer program of the `ilp` scheduler, for an expert-batched schedule with a stage barrier.
 *
 * Data: workers w with speed v_w; models m with mean service s_m, load time L_mw, replica cap R_m and the
 * workers F_m it fits on; n_m expert-stage prompts of m; q_g aggregator-stage prompts of g, each expected
 * to cost c_g = (1 - p_g) s_g with p_g the mean skip probability of g's queries.
 *
 * Variables (only for w in F_m, and only for models with demand in that stage):
 *   y_mw in {0,1}  m is loaded on w in the expert stage;   x_mw in Z>=0  its expert prompts on w
 *   z_gw in {0,1}  g is loaded on w in the aggregator stage; a_gw in Z>=0 its aggregator prompts on w
 *   k_gw in {0,1}  g is w's last expert model and first aggregator model, so it is not loaded twice
 *   E >= 0, A >= 0 the expert-stage makespan and the aggregator-stage duration
 *
 *   minimise   E + A
 *   subject to sum_w x_mw = n_m                       for every m          (demand)
 *              x_mw <= n_m y_mw                        for every m, w       (serve only where loaded)
 *              sum_w y_mw <= R_m                       for every m          (replica cap)
 *              sum_w a_gw = q_g,  a_gw <= q_g z_gw,  sum_w z_gw <= R_g      (the same for aggregators)
 *              sum_m (L_mw y_mw + s_m / v_w x_mw) <= E                         for every w
 *              sum_g (L_gw (z_gw - k_gw) + c_g / v_w a_gw) <= A               for every w
 *              k_gw <= y_gw,  k_gw <= z_gw,  sum_g k_gw <= 1                  for every w
 *
 * Memory and capacity: an expert-batched worker serves one model at a time, so a model fits wherever it
 * fits alone (the F_m domain); the one model kept into the aggregator stage is the most recently loaded,
 * which the LRU rule never evicts, so it needs no capacity or memory constraint either. Keeping more
 * than one would need the load order in the model; the real schedule still skips any load the LRU rule
 * allows, so the executed schedule is never slower than planned for that reason.
 */
export interface IlpModel {
  /** CPLEX LP text for HiGHS. */
  lp: string;
  /** Every column name, in a fixed order. */
  columns: string[];
}

/** Options of {@link buildIlpModel}. */
export interface BuildIlpModelOptions {
  problem: SchedulingProblem;
  demand: StageDemand;
}

const y = (m: number, w: number) => `y_${m}_${w}`;
const x = (m: number, w: number) => `x_${m}_${w}`;
const z = (m: number, w: number) => `z_${m}_${w}`;
const a = (m: number, w: number) => `a_${m}_${w}`;
const k = (m: number, w: number) => `k_${m}_${w}`;

/**
 * Writes the program above as LP text.
 *
 * @example
 * const { lp, columns } = buildIlpModel({ problem, demand: stageDemand({ problem }) });
 * lp.startsWith("Minimize"); // true
 */
export function buildIlpModel({ problem, demand }: BuildIlpModelOptions): IlpModel {
  const { workers, models } = problem;
  const rows: string[] = [];
  const binaries: string[] = [];
  const generals: string[] = [];
  const expertTerms = workers.map((): string[] => []);
  const aggregatorTerms = workers.map((): string[] => []);
  const keptTerms = workers.map((): string[] => []);
  const term = (coefficient: number, name: string) =>
    coefficient === 0 ? [] : [`${coefficient < 0 ? "-" : "+"} ${num(Math.abs(coefficient))} ${name}`];

  interface StageRows {
    prompts: number[];
    secondsPerPrompt: number[];
    placed: (m: number, w: number) => string;
    count: (m: number, w: number) => string;
    terms: string[][];
    label: string;
  }
  const stage = ({ prompts, secondsPerPrompt, placed, count, terms, label }: StageRows) =>
    models.forEach((model, m) => {
      const n = prompts[m]!;
      if (n === 0) return;
      rows.push(`${label}dem_${m}: ${model.fitsOn.map((w) => `+ ${count(m, w)}`).join(" ")} = ${n}`);
      rows.push(`${label}rep_${m}: ${model.fitsOn.map((w) => `+ ${placed(m, w)}`).join(" ")} <= ${model.maxReplicas}`);
      for (const w of model.fitsOn) {
        rows.push(`${label}use_${m}_${w}: + ${count(m, w)} - ${n} ${placed(m, w)} <= 0`);
        binaries.push(placed(m, w));
        generals.push(count(m, w));
        terms[w]!.push(...term(model.loadSeconds[w]!, placed(m, w)), ...term(secondsPerPrompt[m]! / workers[w]!.speed, count(m, w)));
      }
    });
  const serviceSeconds = models.map((m) => m.meanServiceSeconds);
  stage({ prompts: demand.expertPrompts, secondsPerPrompt: serviceSeconds, placed: y, count: x, terms: expertTerms, label: "e" });
  const aggregatorCost = demand.aggregatorSecondsPerPrompt;
  stage({ prompts: demand.aggregatorPrompts, secondsPerPrompt: aggregatorCost, placed: z, count: a, terms: aggregatorTerms, label: "g" });

  models.forEach((model, m) => {
    if (demand.expertPrompts[m] === 0 || demand.aggregatorPrompts[m] === 0) return;
    for (const w of model.fitsOn) {
      rows.push(`keep_y_${m}_${w}: + ${k(m, w)} - ${y(m, w)} <= 0`, `keep_z_${m}_${w}: + ${k(m, w)} - ${z(m, w)} <= 0`);
      binaries.push(k(m, w));
      keptTerms[w]!.push(`+ ${k(m, w)}`);
      aggregatorTerms[w]!.push(...term(-model.loadSeconds[w]!, k(m, w)));
    }
  });
  const hasAggregators = demand.aggregatorPrompts.some((n) => n > 0);
  workers.forEach((_, w) => {
    if (expertTerms[w]!.length > 0) rows.push(`espan_${w}: ${expertTerms[w]!.join(" ")} - E <= 0`);
    if (aggregatorTerms[w]!.length > 0) rows.push(`aspan_${w}: ${aggregatorTerms[w]!.join(" ")} - A <= 0`);
    if (keptTerms[w]!.length > 1) rows.push(`keep_one_${w}: ${keptTerms[w]!.join(" ")} <= 1`);
  });
  const continuous = hasAggregators ? ["E", "A"] : ["E"];
  const lp = [
    "Minimize",
    ` obj: ${continuous.join(" + ")}`,
    "Subject To",
    ...rows.map((row) => ` ${row}`),
    "Bounds",
    ...continuous.map((name) => ` ${name} >= 0`),
    ...(generals.length > 0 ? ["Generals", ` ${generals.join(" ")}`] : []),
    ...(binaries.length > 0 ? ["Binaries", ` ${binaries.join(" ")}`] : []),
    "End",
    "",
  ].join("\n");
  return { lp, columns: [...continuous, ...generals, ...binaries] };
}

/** Options of {@link planToColumns}. */
export interface PlanToColumnsOptions {
  plan: Plan;
  expertSeconds: number;
  aggregatorSeconds: number;
}

/**
 * The column values of a plan (a start for the solver): placements, counts, the kept model, and the
 * stage lengths.
 *
 * @example
 * const start = planToColumns({ plan, expertSeconds: 120, aggregatorSeconds: 30 });
 * start.get("E"); // 120
 */
export function planToColumns({ plan, expertSeconds, aggregatorSeconds }: PlanToColumnsOptions): Map<string, number> {
  const values = new Map<string, number>([
    ["E", expertSeconds],
    ["A", aggregatorSeconds],
  ]);
  plan.forEach(({ expert, aggregator }, w) => {
    for (const { model, count } of expert) values.set(y(model, w), 1).set(x(model, w), count);
    for (const { model, count } of aggregator) values.set(z(model, w), 1).set(a(model, w), count);
    const kept = expert.at(-1)?.model;
    if (kept !== undefined && aggregator[0]?.model === kept) values.set(k(kept, w), 1);
  });
  return values;
}

/** Options of {@link columnsToPlan}. */
export interface ColumnsToPlanOptions {
  problem: SchedulingProblem;
  demand: StageDemand;
  /** Solver values by column name; missing columns are 0. */
  values: ReadonlyMap<string, number>;
}

/**
 * Reads a plan back from the solver's values: counts rounded (the solver's integers are only integral
 * within a tolerance, and the demand must still add up), empty placements dropped unless they keep a
 * model for the aggregator stage, the kept model last in the expert stage and first in the aggregator
 * stage.
 *
 * @example
 * const plan = columnsToPlan({ problem, demand, values: new Map([["y_0_0", 1], ["x_0_0", 12]]) });
 */
export function columnsToPlan({ problem, demand, values }: ColumnsToPlanOptions): Plan {
  const value = (name: string) => values.get(name) ?? 0;
  const plan: Plan = problem.workers.map(() => ({ expert: [], aggregator: [] }));
  const kept = problem.workers.map((): number | undefined => undefined);
  problem.models.forEach((model, m) => {
    for (const w of model.fitsOn) if (value(k(m, w)) > 0.5 && value(a(m, w)) > 0.5) kept[w] = m;
  });
  const read = (prompts: number[], placed: typeof y, count: typeof x, stage: "expert" | "aggregator") =>
    problem.models.forEach((model, m) => {
      if (prompts[m] === 0) return;
      const counts = model.fitsOn.map((w) => (value(placed(m, w)) > 0.5 ? Math.max(0, Math.round(value(count(m, w)))) : 0));
      // Rounding can leave the total a prompt off: settle it on the largest replica.
      const largest = counts.indexOf(Math.max(...counts));
      counts[largest]! += prompts[m]! - counts.reduce((sum, c) => sum + c, 0);
      model.fitsOn.forEach((w, i) => {
        if (counts[i]! > 0 || (stage === "expert" && kept[w] === m && value(placed(m, w)) > 0.5))
          plan[w]![stage].push({ model: m, count: counts[i]! });
      });
    });
  read(demand.expertPrompts, y, x, "expert");
  read(demand.aggregatorPrompts, z, a, "aggregator");
  plan.forEach((workerPlan, w) => {
    const m = kept[w];
    if (m === undefined) return;
    const e = workerPlan.expert.findIndex((p) => p.model === m);
    const g = workerPlan.aggregator.findIndex((p) => p.model === m);
    if (e < 0 || g < 0) return;
    workerPlan.expert.push(...workerPlan.expert.splice(e, 1));
    workerPlan.aggregator.unshift(...workerPlan.aggregator.splice(g, 1));
  });
  return plan;
}

// LP text needs plain decimals; 17 significant digits keep every double exact.
function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(17).replace(/\.?0+$/, "");
}
