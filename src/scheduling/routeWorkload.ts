import { resolveAgent } from "../config/resolveAgent.js";
import { ConfigError } from "../errors/ConfigError.js";
import { MoAError } from "../errors/MoAError.js";
import { createRouterFromConfig } from "../graphs/experts/createRouterFromConfig.js";
import { createChatModel } from "../models/createChatModel.js";
import { describeError } from "../models/describeError.js";
import { routeWithFallback } from "../routing/routeWithFallback.js";
import type { Router } from "../routing/types.js";
import { WorkloadSchema, type Workload } from "./workloadSchema.js";

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
  /**
   * Categories already decided, by prompt (an earlier run's `decisions`): those prompts are not routed again,
   * so a resumed batch sees the same routes and pays for no routing call twice.
   */
  decided?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** What {@link routeWorkload} returns. */
export interface RoutedWorkload {
  /** The document with every query's experts filled in. */
  workload: unknown;
  summary: RoutingSummary | undefined;
  /** The category of every routed prompt (pass it back as `decided` to route the same way again). */
  decisions: Record<string, string>;
}

/**
 * Gives every query that does not list its experts the experts of the category the workload's router picks
 * for its prompt (the router of a CoE/MOSAIC topology: rules, an LLM classifier or nearest examples). Each
 * distinct prompt is routed once, whatever its `count`. A workload without routing comes back unchanged.
 *
 * @example
 * const { workload, summary } = await routeWorkload({ workload: readConfigFile("workload.yaml") });
 * summary.byCategory; // { math: 700, code: 400, general: 900 }
 */
export async function routeWorkload({
  workload,
  source,
  baseDir = process.cwd(),
  decided = {},
  signal,
}: RouteWorkloadOptions): Promise<RoutedWorkload> {
  const parsed = WorkloadSchema.safeParse(workload, { reportInput: true });
  // Invalid documents are reported in full by normalizeWorkload; routing needs a valid one.
  if (!parsed.success || !parsed.data.routing) return { workload, summary: undefined, decisions: {} };
  const routing = parsed.data.routing;
  checkRouting(parsed.data, source);
  const categories = Object.keys(routing.categories);
  const router = routerOf(parsed.data, categories, baseDir, source);
  const summary: RoutingSummary = { routed: 0, byCategory: {}, fallbacks: 0 };
  const decisions: Record<string, string> = {};
  // Each distinct prompt is routed once; copies and repeats reuse its route.
  const seen = new Map<string, { category: string; fallback: boolean }>();
  const queries = [];
  const raw = (workload as { queries: Array<Record<string, unknown>> }).queries;
  for (const [index, query] of raw.entries()) {
    if (query.experts !== undefined) {
      queries.push(query);
      continue;
    }
    const prompt = String(query.prompt);
    let route = seen.get(prompt);
    if (!route && categories.includes(decided[prompt] ?? "")) route = { category: decided[prompt]!, fallback: false };
    if (!route) {
      signal?.throwIfAborted();
      try {
        const decision = await routeWithFallback(
          router,
          { text: prompt, categories, ...(signal ? { signal } : {}) },
          { threshold: routing.router.threshold, fallback: routing.fallback },
        );
        route = { category: decision.category, fallback: decision.fallbackCause !== undefined };
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new MoAError(
          `could not route queries[${index}] ("${prompt.slice(0, 60)}${prompt.length > 60 ? "..." : ""}"): ${describeError(error)}`,
          {
            code: "routing_failed",
            category: "environment",
            fix: "check that the router's model (routing.router) answers, or list the query's experts",
            cause: error,
          },
        );
      }
    }
    seen.set(prompt, route);
    const { category } = route;
    decisions[prompt] = category;
    const count = typeof query.count === "number" ? query.count : 1;
    summary.routed += count;
    summary.byCategory[category] = (summary.byCategory[category] ?? 0) + count;
    if (route.fallback) summary.fallbacks += count;
    queries.push({ ...query, experts: routing.categories[category] });
  }
  return { workload: { ...(workload as object), queries }, summary, decisions };
}

// Categories and fallback are checked before any prompt is routed: a typo found after an LLM routing pass
// would have cost every call of it.
function checkRouting(workload: Workload, source: string | undefined): void {
  const routing = workload.routing!;
  const experts = new Set(workload.experts.map((e) => e.name));
  const issues = Object.entries(routing.categories).flatMap(([category, names]) =>
    names.flatMap((name, i) =>
      experts.has(name)
        ? []
        : [
            {
              path: `routing.categories.${category}[${i}]`,
              message: `unknown expert "${name}"; add it to experts, or use one of ${[...experts].map((e) => `"${e}"`).join(", ")}`,
            },
          ],
    ),
  );
  if (!(routing.fallback in routing.categories))
    issues.push({
      path: "routing.fallback",
      message: `"${routing.fallback}" is not one of the categories (${Object.keys(routing.categories)
        .map((c) => `"${c}"`)
        .join(", ")})`,
    });
  workload.queries.forEach((query, i) => {
    if (query.experts === undefined && query.prompt === undefined)
      issues.push({ path: `queries[${i}].prompt`, message: "required to route a query that does not list its experts" });
  });
  if (issues.length > 0) throw new ConfigError(issues, source);
}

function routerOf(workload: Workload, categories: string[], baseDir: string, source: string | undefined): Router {
  const config = workload.routing!.router;
  try {
    const model =
      config.type === "llm"
        ? createChatModel(
            resolveAgent(config.model, {
              placement: { id: "router", name: "router", layer: 1, index: 0, role: "router" },
              baseDir,
              inherited: [{ temperature: 0 }],
            }),
          )
        : undefined;
    return createRouterFromConfig({ config, categories, ...(model ? { model } : {}) });
  } catch (error) {
    // The router's own checks speak of `router`; in a workload it sits under `routing`.
    if (error instanceof ConfigError)
      throw new ConfigError(
        error.issues.map((issue) => ({ ...issue, path: `routing.${issue.path || "router"}` })),
        source,
      );
    throw error;
  }
}
