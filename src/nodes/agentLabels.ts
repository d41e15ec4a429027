import type { ResolvedAgent } from "../config/ResolvedAgent.js";
import { REPLY_TAG } from "./replyTag.js";

/** How an agent's model calls are labelled for tracing (LangSmith) and stream filters. */
export interface CallLabels {
  /** `moa:<role>`, `moa:layer:<n>`. */
  tags: string[];
  /** The same plus {@link REPLY_TAG}, for the call whose tokens are the reply. */
  replyTags: string[];
  /** `moa_agent`, `moa_layer`, `moa_role`, `moa_model`, `moa_attempt` (1 until a retry). */
  metadata: Record<string, string | number>;
}

// Made once per agent: LangChain copies what it is given into each run, so they can be shared.
const labelCache = new WeakMap<ResolvedAgent, CallLabels>();

/**
 * The tags and metadata of an agent's model calls.
 *
 * @example
 * const { tags, metadata } = callLabels(agent);
 */
export function callLabels(agent: ResolvedAgent): CallLabels {
  let labels = labelCache.get(agent);
  if (!labels) {
    const tags = [`moa:${agent.role}`, `moa:layer:${agent.layer}`];
    const metadata = { moa_agent: agent.name, moa_layer: agent.layer, moa_role: agent.role, moa_model: agent.modelLabel, moa_attempt: 1 };
    labels = { tags, replyTags: [...tags, REPLY_TAG], metadata };
    labelCache.set(agent, labels);
  }
  return labels;
}
