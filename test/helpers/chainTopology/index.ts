import type { TopologyDefinition } from "../../../src/graphs/types.js";
import { ChainConfigSchema, resolveChain, type ChainConfig, type ResolvedChainTopology } from "./configuration.js";
import { buildChainTopology } from "./graph.js";

/** A test-only topology kind, registered from a test: no other module knows its name. */
export const chainTopology: TopologyDefinition<ChainConfig, ResolvedChainTopology> = {
  kind: "chain",
  description: "Chain: each agent improves the previous agent's answer",
  schema: ChainConfigSchema,
  resolve: resolveChain,
  build: buildChainTopology,
  presets: [
    {
      name: "chain-demo",
      kind: "chain",
      description: "two small models in a chain",
      config: { topology: "chain", name: "chain-demo", agents: ["ollama:qwen2.5:1.5b", "ollama:qwen2.5:3b"] },
      gguf: {
        topology: "chain",
        name: "chain-demo",
        agents: [
          "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf",
          "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf",
        ],
      },
      ggufDescription: "Qwen2.5-0.5B then Qwen2.5-1.5B",
    },
  ],
  defaultPreset: "chain-demo",
};
