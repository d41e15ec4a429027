import { ConfigError, type ConfigIssue } from "../errors/ConfigError.js";
import type { ProblemModel, ProblemQuery, ProblemWorker, SchedulingProblem, ServiceDistribution } from "./types.js";
import { WorkloadSchema, type ServiceTime, type Workload } from "./workloadSchema.js";

/** Options of {@link normalizeWorkload}. */
export interface NormalizeWorkloadOptions {
  /** A parsed workload document (not yet validated). */
  workload: unknown;
  /** File name for error messages. */
  source?: string;
  /**
   * Accept queries that neither list experts nor have been routed yet (they get none): for callers that need
   * only the workers and experts, such as `moa profile`.
   */
  allowUnrouted?: boolean;
}

/**
 * Validates a workload and turns it into a {@link SchedulingProblem}: names resolved to indices, `count`
 * expanded, defaults filled. Every problem is reported at once, with its field path.
 *
 * @example
 * const problem = normalizeWorkload({ workload: readConfigFile("examples/workload.yaml") });
 * problem.queries.length; // 2000
 */
export function normalizeWorkload({ workload, source, allowUnrouted = false }: NormalizeWorkloadOptions): SchedulingProblem {
  const parsed = WorkloadSchema.safeParse(workload, { reportInput: true });
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, source);
  const issues: ConfigIssue[] = [];
  const problem = resolve(parsed.data, issues, allowUnrouted);
  if (issues.length > 0) throw new ConfigError(issues, source);
  return problem;
}

function resolve(workload: Workload, issues: ConfigIssue[], allowUnrouted: boolean): SchedulingProblem {
  const workerIndex = indexNames(workload.workers, "workers", issues);
  const modelIndex = indexNames(workload.experts, "experts", issues);
  const workers: ProblemWorker[] = workload.workers.map((w) => ({
    name: w.name,
    capacity: w.capacity,
    memoryGb: w.memoryGb,
    speed: w.speed,
    endpoint: w.endpoint,
  }));
  const memoryMatters = workers.some((w) => w.memoryGb !== undefined);

  const models: ProblemModel[] = workload.experts.map((expert, i) => {
    const at = `experts[${i}]`;
    const loadSeconds = workers.map((w) => {
      if (typeof expert.loadSeconds === "number") return expert.loadSeconds;
      const value = expert.loadSeconds[w.name];
      if (value === undefined)
        issues.push({
          path: `${at}.loadSeconds`,
          message: `no load time for worker "${w.name}"; name every worker, or give one number for all`,
        });
      return value ?? 0;
    });
    if (typeof expert.loadSeconds === "object") {
      for (const key of Object.keys(expert.loadSeconds))
        if (!workerIndex.has(key))
          issues.push({
            path: `${at}.loadSeconds.${key}`,
            message: `unknown worker "${key}"; workers are ${quoteList(workerIndex.keys())}`,
          });
    }
    if (memoryMatters && expert.memoryGb === undefined)
      issues.push({ path: `${at}.memoryGb`, message: "required when a worker sets memoryGb: how much memory the loaded model takes" });
    const fitsOn = workers.flatMap((w, wi) =>
      w.memoryGb === undefined || expert.memoryGb === undefined || expert.memoryGb <= w.memoryGb ? [wi] : [],
    );
    if (fitsOn.length === 0)
      issues.push({
        path: `${at}.memoryGb`,
        message: `${expert.memoryGb} GB fits on no worker (largest: ${Math.max(...workers.map((w) => w.memoryGb ?? 0))} GB)`,
      });
    const service = toDistribution(expert.service);
    return {
      name: expert.name,
      model: expert.model ?? expert.name,
      loadSeconds,
      service,
      meanServiceSeconds: meanOf(service),
      memoryGb: expert.memoryGb,
      maxReplicas: expert.maxReplicas ?? 0, // filled below, once fitsOn is known
      fitsOn,
    };
  });

  const defaultAggregator = workload.aggregator.expert;
  if (defaultAggregator !== undefined && !modelIndex.has(defaultAggregator))
    issues.push({ path: "aggregator.expert", message: unknownExpert(defaultAggregator, modelIndex) });

  const queries: ProblemQuery[] = [];
  const seenIds = new Map<string, string>();
  if (workload.routing) {
    const routing = workload.routing;
    for (const [category, names] of Object.entries(routing.categories))
      names.forEach((expert, i) => {
        if (!modelIndex.has(expert))
          issues.push({ path: `routing.categories.${category}[${i}]`, message: unknownExpert(expert, modelIndex) });
      });
    if (!(routing.fallback in routing.categories))
      issues.push({
        path: "routing.fallback",
        message: `"${routing.fallback}" is not one of the categories (${quoteList(Object.keys(routing.categories))})`,
      });
  }
  workload.queries.forEach((query, qi) => {
    const at = `queries[${qi}]`;
    const experts: number[] = [];
    if (query.experts === undefined && !(allowUnrouted && workload.routing))
      issues.push({
        path: `${at}.experts`,
        message: workload.routing
          ? "not routed yet: route the workload first (routeWorkload, or loadWorkload, does)"
          : "required: the experts this query was routed to, or a routing section that routes its prompt",
      });
    (query.experts ?? []).forEach((name, ei) => {
      const index = modelIndex.get(name);
      if (index === undefined) issues.push({ path: `${at}.experts[${ei}]`, message: unknownExpert(name, modelIndex) });
      else if (experts.includes(index))
        issues.push({ path: `${at}.experts[${ei}]`, message: `"${name}" is listed twice; each expert answers a query once` });
      else experts.push(index);
    });
    const aggregatorName = query.aggregator ?? defaultAggregator;
    const aggregator = aggregatorName === undefined ? undefined : modelIndex.get(aggregatorName);
    if (query.aggregator !== undefined && aggregator === undefined)
      issues.push({ path: `${at}.aggregator`, message: unknownExpert(query.aggregator, modelIndex) });
    const base = query.id ?? `q${queries.length + 1}`;
    for (let copy = 1; copy <= query.count; copy++) {
      const id = query.count === 1 ? (query.id ?? `q${queries.length + 1}`) : `${base}-${copy}`;
      const earlier = seenIds.get(id);
      if (earlier !== undefined) {
        issues.push({ path: `${at}.id`, message: `query id "${id}" is already used by ${earlier}; ids must be unique` });
        return;
      }
      seenIds.set(id, at);
      queries.push({
        id,
        prompt: query.prompt,
        experts,
        aggregator,
        skipProbability: query.skipProbability ?? workload.aggregator.skipProbability,
      });
    }
  });

  fillReplicaCaps(models);
  workload.experts.forEach((expert, i) => {
    const model = models[i]!;
    if (expert.maxReplicas !== undefined && expert.maxReplicas > model.fitsOn.length)
      issues.push({
        path: `experts[${i}].maxReplicas`,
        message: `${expert.maxReplicas} is more than the ${model.fitsOn.length} worker(s) it fits on`,
      });
  });
  return { workers, models, queries, gate: workload.aggregator.gate };
}

// Without a cap from the user, an expert may be replicated on every worker it fits on: the load cost is
// in every scheduler's arithmetic, so a copy that does not pay for its load is not made.
function fillReplicaCaps(models: ProblemModel[]): void {
  for (const model of models) if (model.maxReplicas === 0) model.maxReplicas = model.fitsOn.length;
}

function indexNames(items: ReadonlyArray<{ name: string }>, field: string, issues: ConfigIssue[]): Map<string, number> {
  const index = new Map<string, number>();
  items.forEach((item, i) => {
    if (index.has(item.name))
      issues.push({
        path: `${field}[${i}].name`,
        message: `"${item.name}" is already the name of ${field}[${index.get(item.name)}]; names must be unique`,
      });
    else index.set(item.name, i);
  });
  return index;
}

function unknownExpert(name: string, modelIndex: Map<string, number>): string {
  return `unknown expert "${name}"; add it to experts, or use one of ${quoteList(modelIndex.keys())}`;
}

function quoteList(names: Iterable<string>): string {
  return [...names].map((n) => `"${n}"`).join(", ");
}

function toDistribution(service: ServiceTime): ServiceDistribution {
  if ("meanSeconds" in service) {
    if (service.distribution === "lognormal") return { kind: "lognormal", meanSeconds: service.meanSeconds, cv: service.cv };
    return { kind: service.distribution, meanSeconds: service.meanSeconds };
  }
  const tokens = typeof service.outputTokens === "number" ? { mean: service.outputTokens, sd: 0 } : service.outputTokens;
  return {
    kind: "tokens",
    prefillSeconds: service.prefillSeconds,
    secondsPerOutputToken: service.secondsPerOutputToken,
    outputTokensMean: tokens.mean,
    outputTokensSd: tokens.sd,
  };
}

/**
 * Mean seconds of a service distribution on a worker of speed 1.
 *
 * @example
 * meanOf({ kind: "tokens", prefillSeconds: 0.5, secondsPerOutputToken: 0.02, outputTokensMean: 200, outputTokensSd: 0 }); // 4.5
 */
export function meanOf(service: ServiceDistribution): number {
  return service.kind === "tokens"
    ? service.prefillSeconds + service.secondsPerOutputToken * service.outputTokensMean
    : service.meanSeconds;
}
