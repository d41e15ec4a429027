import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ModelAgent } from "../models/ModelAgent.js";
import type { AggregatorFailurePolicy } from "./agentSchema.js";

/**
 * Where an agent sits in the topology: `proposer` (MoA layer 1), `refiner` (MoA layers 2..n: reads the
 * previous layer's answers and writes an improved one), `final` (the final aggregator, whose answer is the
 * reply), `router`, `expert`. Threads saved before `refiner` existed say `aggregator`; they load as `refiner`.
 */
export type AgentRole = "proposer" | "refiner" | "final" | "router" | "expert";

/** An agent with every setting filled in and its graph node id assigned. */
export interface ResolvedAgent extends ModelAgent {
  /** Graph node id, e.g. `layer1/qwen2.5-1.5b`, `expert/math` or `aggregator`. */
  id: string;
  name: string;
  /** 1-based layer number; a final aggregator's is the number of layers before it + 1. */
  layer: number;
  /** Position within the layer as declared (0-based); references are numbered in this order. */
  index: number;
  role: AgentRole;
  systemPrompt?: string;
  /** Instruction above the references; only for agents that see a previous layer. */
  aggregationPrompt?: string;
  /** For agents that read a previous layer (layers 2..n, final aggregators): the answers that layer must have. */
  previousLayerMinSuccessful?: number;
  /** Final aggregators only: what happens when the call fails. */
  onFailure?: AggregatorFailurePolicy;
}

/** Builds the chat model each agent calls; replaceable in every graph builder (`modelFactory`). */
export type ModelFactory = (agent: ResolvedAgent) => BaseChatModel;
