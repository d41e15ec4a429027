import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { RunnableLambda } from "@langchain/core/runnables";
import type { ResolvedAgent } from "../config/ResolvedAgent.js";
import { activeParamsOf } from "../models/activeParamsOf.js";
import { describeError } from "../models/describeError.js";
import { routeWithFallback } from "../routing/routeWithFallback.js";
import type { Router } from "../routing/types.js";
import type { AgentAnswer, MoAStateUpdate, AgentNodeState, RouteRecord } from "../state/moaState.js";
import { agentRecordBase } from "./agentRecord.js";
import { currentTurn } from "../state/currentTurn.js";
import { lastUserText } from "./prepareAgentInput.js";
import { UsageCollector } from "./usageCollector.js";

/** The pseudo-category a decision lands in when it goes to the fallback expert(s). */
export const FALLBACK_CATEGORY = "fallback";

/** Inputs for {@link createRouteNode}. */
export interface RouteNodeOptions {
  router: Router;
  /** Decisions below this confidence go to the fallback. */
  threshold: number;
  categories: readonly string[];
  byCategory: Record<string, string[]>;
  fallback: string[];
  /** The LLM router's model as an agent, so its call is recorded for cost accounting. */
  routerAgent?: ResolvedAgent;
}

/**
 * The routing node: classifies the user's latest message and records which experts answer. Low
 * confidence, an unknown category, a category without experts, or a failing router all go to the
 * fallback, with the reason recorded.
 *
 * @example
 * graph.addNode("router", createRouteNode({ router, threshold: 0.5, categories, byCategory, fallback }));
 */
export function createRouteNode({ router, threshold, categories, byCategory, fallback, routerAgent }: RouteNodeOptions) {
  return async (state: AgentNodeState, runConfig: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    const text = lastUserText(state.messages);
    const turn = currentTurn(state.messages);
    const collector = new UsageCollector();
    const started = performance.now();
    const startedAt = new Date().toISOString();
    let record: RouteRecord;
    let routerFailed = false;
    try {
      // Run inside a runnable so the router's own model calls report to the collector (and to tracing).
      const decision = await RunnableLambda.from((input: string) =>
        routeWithFallback(
          router,
          { text: input, categories, ...(runConfig.signal ? { signal: runConfig.signal } : {}) },
          { threshold, fallback: FALLBACK_CATEGORY, categories },
        ),
      ).invoke(text, { callbacks: [collector], runName: "router" });
      const experts = decision.usedFallback ? fallback : (byCategory[decision.category] ?? fallback);
      const withoutExperts = !decision.usedFallback && byCategory[decision.category] === undefined;
      const usedFallback = decision.usedFallback || withoutExperts;
      record = {
        turn,
        router: router.kind,
        ...(usedFallback ? {} : { category: decision.category }),
        ...(decision.proposedCategory !== undefined ? { proposedCategory: decision.proposedCategory } : {}),
        confidence: decision.confidence,
        usedFallback,
        reason: withoutExperts
          ? `${decision.reason}; category "${decision.category}" has no experts of its own`
          : decision.fallbackReason
            ? `${decision.fallbackReason} (${decision.reason})`
            : decision.reason,
        experts,
      };
    } catch (error) {
      if (runConfig.signal?.aborted) throw error;
      routerFailed = true;
      record = {
        turn,
        router: router.kind,
        confidence: 0,
        usedFallback: true,
        reason: `router failed: ${describeError(error)}`,
        experts: fallback,
      };
    }
    const answers: AgentAnswer[] = [];
    if (routerAgent) {
      const usage = collector.usage();
      const activeParams = await activeParamsOf(routerAgent);
      answers.push({
        ...agentRecordBase(routerAgent, turn),
        ...(routerFailed ? { error: record.reason } : { content: record.proposedCategory ?? "unknown" }),
        latencyMs: performance.now() - started,
        ...(usage ? { usage } : {}),
        ...(activeParams !== undefined ? { activeParams } : {}),
        startedAt,
      });
    }
    return { routes: [record], answers };
  };
}
