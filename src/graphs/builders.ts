import type { ModelFactory } from "../config/ResolvedAgent.js";
import { ConfigError } from "../errors/ConfigError.js";
import type { CoEConfigInput } from "./coe/configuration.js";
import { buildTopologyGraph } from "./buildTopologyGraph.js";
import { loadConfig } from "./loadConfig.js";
import type { MoAConfigInput } from "./moa/configuration.js";
import type { MosaicConfigInput } from "./mosaic/configuration.js";
import type { SelfMoAConfigInput } from "./self-moa/configuration.js";
import type { TopologyGraph } from "./topologyGraph.js";
import type { ResolvedTopology } from "./resolvedTopology.js";

type WithoutKind<T> = Omit<T, "topology">;

/** Options for {@link buildMoAGraph}. */
export interface BuildMoAGraphOptions {
  /** The topology: a config object (models as reference strings or chat model instances), or one already resolved. */
  config: MoAConfigInput | SelfMoAConfigInput | ResolvedTopology;
  /** Creates each agent's chat model; defaults to `createChatModel`. */
  modelFactory?: ModelFactory;
}

/**
 * Builds a Mixture-of-Agents graph: one node per agent, each layer fanned out in parallel from
 * the previous one and joined before the next (a barrier), then the final aggregator.
 *
 * A failing agent is recorded in `answers` with its error and left out of the next layer's
 * references; the run fails only when a layer has fewer answers than its `minSuccessful`. A layer
 * with `quorum` runs as one node that goes on without its stragglers.
 *
 * @example
 * import { MemorySaver } from "@langchain/langgraph";
 * import { buildMoAGraph } from "langgraph-moa";
 *
 * const moa = buildMoAGraph({
 *   config: {
 *     layers: [{ agents: ["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b", "ollama:gemma2:2b"] }],
 *     aggregator: "ollama:qwen2.5:3b",
 *   },
 * }).compile({ checkpointer: new MemorySaver(), name: "moa" });
 *
 * const state = await moa.invoke(
 *   { messages: [{ role: "user", content: "Why is the sky blue?" }] },
 *   { configurable: { thread_id: "demo" } },
 * );
 * console.log(state.messages.at(-1)?.text);
 */
export function buildMoAGraph({ config, modelFactory }: BuildMoAGraphOptions): TopologyGraph {
  return buildOfKinds(config, ["moa", "self-moa"], modelFactory);
}

/** Options for {@link buildSelfMoAGraph}. */
export interface BuildSelfMoAGraphOptions {
  config: WithoutKind<SelfMoAConfigInput> & { topology?: "self-moa" };
  modelFactory?: ModelFactory;
}

/**
 * Builds a Self-MoA graph: one model sampled `n` times in parallel (seeds `seed`, `seed + 1`, ...),
 * then aggregated, by default by the same model. Nodes are `layer1/sample-1` ... and `aggregator`.
 *
 * @example
 * const selfMoA = buildSelfMoAGraph({ config: { model: "ollama:qwen2.5:7b", n: 4, temperature: 0.8 } }).compile();
 * const state = await selfMoA.invoke({ messages: [{ role: "user", content: "Prove that 17 is prime." }] });
 */
export function buildSelfMoAGraph({ config, modelFactory }: BuildSelfMoAGraphOptions): TopologyGraph {
  return buildOfKinds({ ...config, topology: "self-moa" }, ["self-moa"], modelFactory);
}

/** Options for {@link buildCoEGraph}. */
export interface BuildCoEGraphOptions {
  config: WithoutKind<CoEConfigInput> & { topology?: "coe" };
  modelFactory?: ModelFactory;
}

/**
 * Builds a Composition-of-Experts graph: `router` classifies the user's message into one of the
 * declared categories, the category's expert(s) answer in parallel (`expert/<name>` nodes), and
 * several experts feed the `aggregator`. Unknown or low-confidence inputs go to the fallback expert.
 *
 * @example
 * const coe = buildCoEGraph({
 *   config: {
 *     categories: ["math", "code", "general"],
 *     router: { type: "llm", model: "ollama:qwen2.5:1.5b", threshold: 0.6 },
 *     experts: { math: "ollama:qwen2.5-math:1.5b", code: "ollama:qwen2.5-coder:1.5b" },
 *     fallback: "ollama:llama3.2:3b",
 *   },
 * }).compile();
 */
export function buildCoEGraph({ config, modelFactory }: BuildCoEGraphOptions): TopologyGraph {
  return buildOfKinds({ ...config, topology: "coe" }, ["coe"], modelFactory);
}

/** Options for {@link buildMosaicGraph}. */
export interface BuildMosaicGraphOptions {
  config: WithoutKind<MosaicConfigInput> & { topology?: "mosaic" };
  modelFactory?: ModelFactory;
}

/**
 * Builds the MOSAIC pipeline: [router picks experts ->] experts in parallel -> `gate` ->
 * `aggregator` or straight to the end, when the experts agree enough to skip it.
 *
 * @example
 * const mosaic = buildMosaicGraph({
 *   config: {
 *     experts: ["ollama:qwen2.5:1.5b", "ollama:llama3.2:3b", "ollama:gemma2:2b"],
 *     gate: { extractor: { type: "number" }, threshold: 2 / 3 },
 *     aggregator: "ollama:qwen2.5:7b",
 *   },
 * }).compile();
 */
export function buildMosaicGraph({ config, modelFactory }: BuildMosaicGraphOptions): TopologyGraph {
  return buildOfKinds({ ...config, topology: "mosaic" }, ["mosaic"], modelFactory);
}

function buildOfKinds(config: object, kinds: readonly string[], modelFactory: ModelFactory | undefined): TopologyGraph {
  const topology = loadConfig({ config });
  if (!kinds.includes(topology.kind)) {
    throw new ConfigError([
      {
        path: "topology",
        message: `expected a ${kinds.map((k) => `"${k}"`).join(" or ")} topology, got "${topology.kind}"; build it with planTopology()`,
      },
    ]);
  }
  return buildTopologyGraph({ topology, ...(modelFactory ? { modelFactory } : {}) });
}
