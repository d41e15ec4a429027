import { resolveAgent } from "../config/resolveAgent.js";
import { ConfigError } from "../errors/ConfigError.js";
import { createRouterFromConfig } from "../graphs/experts/createRouterFromConfig.js";
import { createChatModel } from "../models/createChatModel.js";
import { routeWithFallback } from "../routing/routeWithFallback.js";
import { WorkloadSchema } from "./workloadSchema.js";

/** How the routed queries were spread over the categories. */
export interface RoutingSummary {
  /** Queries routed (those that did not list their experts). */
  routed: number;
  /** Routed queries per category. */
  byCategory: Record<string, number>;
  /** Of them, how many went to the fallback (unknown, low confidence, or not a category). */
  fallbacks: number;
}

/** Options of {@link routeWorkload}. */
export interface RouteWorkloadOptions {
  /** A parsed workload document. */
  workload: unknown;
  source?: string;
  /** Where relative references in the router (model files) resolve. */
  baseDir?: string;
  signal?: AbortSignal;
}

/**
 * Gives every query that does not list its experts the experts of the category the workload's router picks
 * for its prompt (the router of a CoE/MOSAIC topology: rules, an LLM classifier or nearest examples). Queries
 * with `count` are routed once. A workload without routing comes back unchanged.
 *
 * @example
 * const { workload, summary } = await routeWorkload({ workload: readConfigFile("workload.yaml") });
 * summary.byCategory; // { math: 700, code: 400, general: 900 }
 */
export async function routeWorkload({
  workload,
  source,
  baseDir = process.cwd(),
  signal,
}: RouteWorkloadOptions): Promise<{ workload: unknown; summary: RoutingSummary | undefined }> {
  const parsed = WorkloadSchema.safeParse(workload, { reportInput: true });
  // Invalid documents are reported in full by normalizeWorkload; routing needs a valid one.
  if (!parsed.success || !parsed.data.routing) return { workload, summary: undefined };
  const routing = parsed.data.routing;
  const categories = Object.keys(routing.categories);
  const missingPrompt = parsed.data.queries.flatMap((q, i) =>
    q.experts === undefined && q.prompt === undefined
      ? [{ path: `queries[${i}].prompt`, message: "required to route a query that does not list its experts" }]
      : [],
  );
  if (missingPrompt.length > 0) throw new ConfigError(missingPrompt, source);
  const model =
    routing.router.type === "llm"
      ? createChatModel(
          resolveAgent(routing.router.model, {
            placement: { id: "router", name: "router", layer: 1, index: 0, role: "router" },
            baseDir,
            inherited: [{ temperature: 0 }],
          }),
        )
      : undefined;
  const router = createRouterFromConfig({ config: routing.router, categories, ...(model ? { model } : {}) });
  const summary: RoutingSummary = { routed: 0, byCategory: {}, fallbacks: 0 };
  const queries = [];
  for (const query of (workload as { queries: Array<Record<string, unknown>> }).queries) {
    if (query.experts !== undefined) {
      queries.push(query);
      continue;
    }
    signal?.throwIfAborted();
    const decision = await routeWithFallback(
      router,
      { text: String(query.prompt), categories, ...(signal ? { signal } : {}) },
      { threshold: routing.router.threshold, fallback: routing.fallback },
    );
    const count = typeof query.count === "number" ? query.count : 1;
    summary.routed += count;
    summary.byCategory[decision.category] = (summary.byCategory[decision.category] ?? 0) + count;
    if (decision.fallbackCause !== undefined) summary.fallbacks += count;
    queries.push({ ...query, experts: routing.categories[decision.category] ?? routing.categories[routing.fallback] });
  }
  return { workload: { ...(workload as object), queries }, summary };
}
